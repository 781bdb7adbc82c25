//! Negotiating an extension (RFC 6455 §9.1, §4.1 item 11, §4.2.2): the
//! [`Extension`] trait a companion crate implements, and the three steps
//! that drive it on caller buffers: the client's offer, the server's
//! selection, and the client's check of the response.

use super::extensions::{ExtensionOffer, ExtensionOffers};
use super::negotiated::Negotiated;
use super::response::{write_with, Counter, Sink};
use super::server::Request;
use super::token::is_token;
use crate::error::{Error, HandshakeError, UsageError};
use crate::message::MessageKind;
use crate::transform::{ExtensionError, Transformed};

/// An extension's part in the opening handshake.
///
/// A companion crate (permessage-deflate, RFC 7692) implements it; the core
/// drives it: [`write_extension_offer`] writes the client's offer,
/// [`Request::select_extension`] lets the extension pick one of a client's
/// offers and writes the server's answer, and
/// [`Negotiated::check_extension`] hands the server's answer back to the
/// client's extension. The extension reads parameters that the core has
/// already parsed per RFC 6455 §9.1 ([`ExtensionOffer`]) and writes
/// parameters through an [`ExtensionParamWriter`], which keeps the header
/// well-formed. Nothing here allocates.
///
/// Validating parameters is the extension's own job, since only it knows
/// them (RFC 7692 §7 for deflate): an offer with an unknown or repeated
/// parameter, or a value out of range, is declined (`false`), never an
/// error, and a response naming a parameter the client did not offer is
/// refused, which fails the client's handshake
/// ([`HandshakeError::ExtensionRejected`]).
///
/// Once negotiated, the extension owns the RSV bits of [`rsv`](Self::rsv):
/// a [`FrameDecoder`](crate::FrameDecoder) given them with
/// [`with_message_rsv`](crate::FrameDecoder::with_message_rsv) accepts them
/// on the first frame of a data message and fails with 1002 anywhere else;
/// bits nobody claimed stay a 1002 failure (RFC 6455 §5.2).
///
/// # Examples
///
/// A toy extension with one optional parameter, `level=1`…`level=9`:
///
/// ```
/// use rfc6455::{
///     Extension, ExtensionError, ExtensionOffer, ExtensionParamWriter, Header, MessageKind,
///     Transformed,
/// };
///
/// #[derive(Default)]
/// struct Toy {
///     level: Option<u8>,
/// }
///
/// /// `None` unless every parameter is known and given once, with a valid value.
/// fn level(offer: &ExtensionOffer<'_>) -> Option<Option<u8>> {
///     let mut level = None;
///     for param in offer.params() {
///         let value = param.value()?;
///         let digit = value.parse().ok().filter(|d| (1..=9).contains(d));
///         if param.name() != "level" || level.is_some() || digit.is_none() {
///             return None;
///         }
///         level = digit;
///     }
///     Some(level)
/// }
///
/// impl Extension for Toy {
///     fn name(&self) -> &str {
///         "x-toy"
///     }
///     fn rsv(&self) -> u8 {
///         Header::RSV1
///     }
///     fn offer(&self, params: &mut ExtensionParamWriter<'_>) {
///         params.param("level", Some("3"));
///     }
///     fn accept_offer(&mut self, offer: &ExtensionOffer<'_>) -> bool {
///         level(offer).map(|l| self.level = l).is_some()
///     }
///     fn response(&self, params: &mut ExtensionParamWriter<'_>) {
///         let digits = ["1", "2", "3", "4", "5", "6", "7", "8", "9"];
///         if let Some(l) = self.level {
///             params.param("level", Some(digits[usize::from(l) - 1]));
///         }
///     }
///     fn accept_response(&mut self, response: &ExtensionOffer<'_>) -> bool {
///         // Only the level we offered may come back, or none.
///         match level(response) {
///             Some(l @ (None | Some(3))) => {
///                 self.level = l;
///                 true
///             }
///             _ => false,
///         }
///     }
///     // The toy's transform is the identity: it copies what fits.
///     fn decode(&mut self, input: &[u8], last: bool, out: &mut [u8]) -> Result<Transformed, ExtensionError> {
///         let n = input.len().min(out.len());
///         out[..n].copy_from_slice(&input[..n]);
///         Ok(Transformed { read: n, written: n, done: last && n == input.len() })
///     }
///     fn encodes(&self, _: MessageKind, len: usize) -> bool {
///         len >= 16
///     }
///     fn max_encoded_len(&self, len: usize) -> usize {
///         len
///     }
///     fn encode(&mut self, input: &[u8], _last: bool, out: &mut [u8]) -> Result<usize, ExtensionError> {
///         out[..input.len()].copy_from_slice(input);
///         Ok(input.len())
///     }
/// }
///
/// let mut out = [0u8; 64];
/// assert_eq!(rfc6455::write_extension_offer(&Toy::default(), &mut out)?, "x-toy; level=3");
/// # Ok::<(), rfc6455::Error>(())
/// ```
pub trait Extension {
    /// The extension's registered name, such as `permessage-deflate`. It
    /// must be a token (RFC 6455 §9.1).
    fn name(&self) -> &str;

    /// The RSV bits ([`Header::RSV1`](crate::Header::RSV1) …) the
    /// extension defines once negotiated. They are per-message bits: set on
    /// the first frame of a data message only (RFC 7692 §6).
    fn rsv(&self) -> u8;

    /// Client: writes the parameters of the offer (none is fine). Called
    /// more than once (to check, to measure, to write): it must write the
    /// same each time.
    fn offer(&self, params: &mut ExtensionParamWriter<'_>);

    /// Server: whether to accept this offer of the client's. Called for
    /// each offer of this extension's name, in the client's order of
    /// preference, until one is accepted. On `true` the extension keeps
    /// what was agreed, for [`response`](Self::response) and the frames.
    /// Decline (`false`) an offer with an unknown or repeated parameter or a
    /// bad value.
    fn accept_offer(&mut self, offer: &ExtensionOffer<'_>) -> bool;

    /// Server: writes the parameters of the answer to the offer just
    /// accepted; called more than once, as [`offer`](Self::offer) is.
    fn response(&self, params: &mut ExtensionParamWriter<'_>);

    /// Client: whether the server's answer (the element of its
    /// `Sec-WebSocket-Extensions` that names this extension) is acceptable
    /// for the offer that was sent. On `true` the extension keeps what was
    /// agreed; `false` (a parameter that was not offered, an unknown or
    /// repeated one, a bad value) fails the handshake.
    fn accept_response(&mut self, response: &ExtensionOffer<'_>) -> bool;

    /// Receive: turns the payload of a message whose first frame carried
    /// [`rsv`](Self::rsv) bits back into the message, on caller buffers.
    ///
    /// The connection passes the payload of the message's frames in order,
    /// in pieces of any size (`input`), with `last` set on the pieces that
    /// end the message. The extension reads what it can of `input`, writes
    /// what it can into `out`, and says how much of each
    /// ([`Transformed`]); the connection calls again with the rest of the
    /// input or more room. On the last piece it keeps calling, with an
    /// empty `input` once all is read, until the extension reports
    /// [`done`](Transformed::done). A call that reads and writes nothing
    /// although `out` is not empty and the message is not done is an
    /// error.
    ///
    /// `out` is never longer than what the message may still grow by
    /// (`max_message_len`) plus one byte, so a message that inflates past
    /// the limit fails with 1009 after a bounded amount of work.
    ///
    /// # Errors
    ///
    /// [`ExtensionError`] for input that cannot be decoded (corrupt
    /// data): the connection fails with 1007.
    fn decode(
        &mut self,
        input: &[u8],
        last: bool,
        out: &mut [u8],
    ) -> Result<Transformed, ExtensionError>;

    /// Send: whether to transform a message of this kind that starts with
    /// `len` bytes (the whole message, or its first fragment). A
    /// compressing extension says no to messages too short to gain.
    fn encodes(&self, kind: MessageKind, len: usize) -> bool;

    /// Send: the most bytes [`encode`](Self::encode) writes for `len`
    /// bytes of input.
    fn max_encoded_len(&self, len: usize) -> usize;

    /// Send: transforms one fragment of a message (all of it when
    /// `last`) into `out`, at least
    /// [`max_encoded_len`](Self::max_encoded_len)`(input.len())` bytes
    /// long, and returns the bytes written. All of `input` is consumed and
    /// everything it encodes to is written: a frame's payload is complete
    /// when the call returns.
    ///
    /// # Errors
    ///
    /// [`ExtensionError`] if the extension failed; the send is refused and
    /// nothing is queued.
    fn encode(&mut self, input: &[u8], last: bool, out: &mut [u8])
        -> Result<usize, ExtensionError>;
}

/// Where an [`Extension`] writes the parameters of its offer or answer.
///
/// Each [`param`](Self::param) appends `; name` or `; name=value`. Names
/// and values must be tokens (RFC 6455 §9.1); anything else makes the
/// whole element fail with [`UsageError::InvalidHeader`], so a header that
/// is written is always well-formed.
pub struct ExtensionParamWriter<'s> {
    sink: &'s mut dyn Sink,
    valid: bool,
}

impl ExtensionParamWriter<'_> {
    /// Appends one parameter.
    pub fn param(&mut self, name: &str, value: Option<&str>) -> &mut Self {
        let value_ok = value.map_or(true, |v| is_token(v.as_bytes()));
        self.valid &= is_token(name.as_bytes()) && value_ok;
        self.sink.put(b"; ");
        self.sink.put(name.as_bytes());
        if let Some(value) = value {
            self.sink.put(b"=");
            self.sink.put(value.as_bytes());
        }
        self
    }
}

/// Which parameters an element carries.
#[derive(Clone, Copy)]
enum Part {
    Offer,
    Response,
}

/// Emits `name; params…`; returns whether every part was a token.
fn emit(extension: &dyn Extension, part: Part, sink: &mut dyn Sink) -> bool {
    let name = extension.name();
    sink.put(name.as_bytes());
    let mut params = ExtensionParamWriter { sink, valid: true };
    match part {
        Part::Offer => extension.offer(&mut params),
        Part::Response => extension.response(&mut params),
    }
    params.valid && is_token(name.as_bytes())
}

/// Writes one element of `Sec-WebSocket-Extensions` into `out` and returns
/// it as text.
fn write_element<'o>(
    extension: &dyn Extension,
    part: Part,
    out: &'o mut [u8],
) -> Result<&'o str, Error> {
    if !emit(extension, part, &mut Counter(0)) {
        return Err(UsageError::InvalidHeader.into());
    }
    let n = write_with(out, |sink| {
        emit(extension, part, sink);
    })?;
    // Tokens and `; =` only: ASCII.
    Ok(core::str::from_utf8(&out[..n]).unwrap_or_default())
}

/// Client: writes `extension`'s offer (`name; param=value…`) into `out`,
/// for [`ClientRequest::extensions`](super::ClientRequest::extensions).
///
/// # Errors
///
/// [`UsageError::InvalidHeader`] if the name or a parameter is not a token;
/// [`BufferTooSmall`](crate::BufferTooSmall) if `out` is too short (nothing
/// is written).
///
/// # Examples
///
/// See [`Extension`]; the whole negotiation is in
/// [`Negotiated::check_extension`].
pub fn write_extension_offer<'o>(
    extension: &dyn Extension,
    out: &'o mut [u8],
) -> Result<&'o str, Error> {
    write_element(extension, Part::Offer, out)
}

impl Request<'_> {
    /// Server: offers `extension` each of the client's offers of its name,
    /// in the client's order, and if it accepts one, writes the answer
    /// (`name; param=value…`) into `out` for
    /// [`Accept::extensions`](super::Accept::extensions). `None` if the
    /// client offered the extension in no form it accepts.
    ///
    /// Declining is always allowed: a server that does not want the
    /// extension for this request (a path that carries compressed media, a
    /// client on a list) does not call this, or leaves the answer out of
    /// its [`Accept`](super::Accept).
    ///
    /// # Errors
    ///
    /// As for [`write_extension_offer`].
    pub fn select_extension<'o>(
        &self,
        extension: &mut dyn Extension,
        out: &'o mut [u8],
    ) -> Result<Option<&'o str>, Error> {
        let accepted = self.extensions().any(|offer| {
            offer.name().eq_ignore_ascii_case(extension.name()) && extension.accept_offer(&offer)
        });
        if !accepted {
            return Ok(None);
        }
        write_element(extension, Part::Response, out).map(Some)
    }

    /// §4.2.2 /extensions/: the answer is "derived from the client's
    /// handshake ... by selecting one or more of the values from the
    /// |Sec-WebSocket-Extensions| field" — each element well-formed (§9.1),
    /// of an extension the client offered, and none twice.
    pub(super) fn check_extension_answers(&self, answers: &[&str]) -> Result<(), UsageError> {
        for (i, answer) in answers.iter().enumerate() {
            let mut elements =
                ExtensionOffers::parse(answer.as_bytes()).ok_or(UsageError::InvalidHeader)?;
            let (Some(element), None) = (elements.next(), elements.next()) else {
                return Err(UsageError::InvalidHeader);
            };
            let name = element.name();
            let offered = self
                .extensions()
                .any(|o| o.name().eq_ignore_ascii_case(name));
            let repeated = answers.iter().take(i).any(|earlier| {
                ExtensionOffers::parse(earlier.as_bytes())
                    .and_then(|mut e| e.next())
                    .is_some_and(|e| e.name().eq_ignore_ascii_case(name))
            });
            if !offered || repeated {
                return Err(UsageError::ExtensionNotOffered);
            }
        }
        Ok(())
    }
}

impl Negotiated<'_> {
    /// Client: hands the server's answer for `extension` to it, and says
    /// whether the extension is in use (`false`: the server did not accept
    /// it, which §9.1 allows).
    ///
    /// [`validate_response`](super::validate_response) has already made
    /// sure that every extension in the answer was offered (§4.1 item 5);
    /// the parameters are the extension's to check.
    ///
    /// # Errors
    ///
    /// [`HandshakeError::ExtensionRejected`] if the extension refuses the
    /// answer (a parameter it did not offer, a bad value) or the answer
    /// names it more than once. Fail the connection (§4.1: "the client MUST
    /// _Fail the WebSocket Connection_").
    ///
    /// # Examples
    ///
    /// The whole negotiation, with the `Toy` extension of [`Extension`]:
    ///
    /// ```
    /// # use rfc6455::{Extension, ExtensionOffer, ExtensionParamWriter};
    /// # #[derive(Default)] struct Toy(bool);
    /// # impl Extension for Toy {
    /// #     fn name(&self) -> &str { "x-toy" }
    /// #     fn rsv(&self) -> u8 { rfc6455::Header::RSV1 }
    /// #     fn offer(&self, _: &mut ExtensionParamWriter<'_>) {}
    /// #     fn accept_offer(&mut self, o: &ExtensionOffer<'_>) -> bool { o.params().next().is_none() }
    /// #     fn response(&self, _: &mut ExtensionParamWriter<'_>) {}
    /// #     fn accept_response(&mut self, r: &ExtensionOffer<'_>) -> bool { self.0 = r.params().next().is_none(); self.0 }
    /// #     fn decode(&mut self, _: &[u8], _: bool, _: &mut [u8]) -> Result<rfc6455::Transformed, rfc6455::ExtensionError> { unimplemented!() }
    /// #     fn encodes(&self, _: rfc6455::MessageKind, _: usize) -> bool { false }
    /// #     fn max_encoded_len(&self, len: usize) -> usize { len }
    /// #     fn encode(&mut self, _: &[u8], _: bool, _: &mut [u8]) -> Result<usize, rfc6455::ExtensionError> { unimplemented!() }
    /// # }
    /// use rfc6455::{validate_response, Accept, ClientRequest, HeadLimits, Request, Status};
    ///
    /// // Client: offer.
    /// let mut client_ext = Toy::default();
    /// let mut offer = [0u8; 64];
    /// let offers = [rfc6455::write_extension_offer(&client_ext, &mut offer)?];
    /// let mut request = [0u8; 512];
    /// let n = ClientRequest::new("example.com").extensions(&offers).write([7; 16], &mut request)?;
    ///
    /// // Server: select, answer.
    /// let Status::Complete(req) = Request::parse(&request[..n], HeadLimits::new())? else { panic!() };
    /// let mut server_ext = Toy::default();
    /// let mut answer = [0u8; 64];
    /// let answers = [req.select_extension(&mut server_ext, &mut answer)?.ok_or("declined")?];
    /// let mut response = [0u8; 512];
    /// let m = req.accept(&Accept::new().extensions(&answers), &mut response)?;
    ///
    /// // Client: check.
    /// let Status::Complete(negotiated) = validate_response(&response[..m], &request[..n], HeadLimits::new())?
    /// else { panic!() };
    /// assert!(negotiated.check_extension(&mut client_ext)?);
    /// assert!(client_ext.0);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn check_extension(&self, extension: &mut dyn Extension) -> Result<bool, HandshakeError> {
        let mut answers = self
            .extensions()
            .filter(|answer| answer.name().eq_ignore_ascii_case(extension.name()));
        let Some(answer) = answers.next() else {
            return Ok(false);
        };
        // RFC 7692 §5: a response with more than one element of the same
        // extension fails the connection (it could only be contradictory).
        if answers.next().is_some() || !extension.accept_response(&answer) {
            return Err(HandshakeError::ExtensionRejected);
        }
        Ok(true)
    }
}
