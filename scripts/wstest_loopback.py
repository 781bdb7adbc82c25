# -*- coding: utf-8 -*-
"""wstest_loopback.py: run Autobahn's `wstest`, but bind every listening socket to 127.0.0.1.

Usage (Python 2.7, the Autobahn virtualenv's interpreter):
    $AUTOBAHN_VENV/bin/python scripts/wstest_loopback.py -m fuzzingserver -s spec.json -u 0

Why: wstest's fuzzingserver listens with autobahn's listenWS(), whose interface
defaults to '' (all interfaces), and neither the command line nor the spec can
change that; its web UI (-u/--webport, default 8080) does the same. This wrapper
patches Twisted's reactor so that a listen without an explicit interface binds
to loopback, then hands over to wstest's own entry point unchanged.
"""
import sys

from twisted.internet import posixbase

LOOPBACK = '127.0.0.1'

_listenTCP = posixbase.PosixReactorBase.listenTCP
_listenSSL = posixbase.PosixReactorBase.listenSSL


def listenTCP(self, port, factory, backlog=50, interface=''):
    return _listenTCP(self, port, factory, backlog, interface or LOOPBACK)


def listenSSL(self, port, factory, contextFactory, backlog=50, interface=''):
    return _listenSSL(self, port, factory, contextFactory, backlog, interface or LOOPBACK)


posixbase.PosixReactorBase.listenTCP = listenTCP
posixbase.PosixReactorBase.listenSSL = listenSSL

from autobahntestsuite.wstest import run  # noqa: E402  (after the patch, on purpose)

if __name__ == '__main__':
    sys.argv[0] = 'wstest'
    sys.exit(run())
