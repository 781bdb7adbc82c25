//! JSON-like messages (a market-data feed), the input of every
//! permessage-deflate benchmark: `benches/deflate`, `benches/deflate-echo`
//! and the deflate workload of `benches/e2e`, so their tables compare.
//! Included by path (`#[path = "../../json_messages.rs"]`).

/// `count` messages of about `len` bytes each (at most `len`, at least
/// `len - 160`; `len` must be over 160), the same ones on every call.
pub fn messages(count: usize, len: usize) -> Vec<String> {
    let mut seed = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let symbols = ["BTC-USD", "ETH-USD", "SOL-USD", "EUR-USD", "AAPL", "MSFT"];
    (0..count)
        .map(|_| {
            let mut m = String::from("[");
            while m.len() < len - 160 {
                let r = next();
                m.push_str(&format!(
                    "{{\"type\":\"trade\",\"symbol\":\"{}\",\"price\":{}.{:02},\"size\":0.{:04},\"side\":\"{}\",\"ts\":{},\"id\":{}}},",
                    symbols[(r % 6) as usize],
                    20_000 + r % 30_000,
                    r % 100,
                    r % 10_000,
                    if r & 1 == 0 { "buy" } else { "sell" },
                    1_700_000_000_000u64 + r % 1_000_000,
                    r % 100_000_000,
                ));
            }
            m.pop();
            m.push(']');
            m
        })
        .collect()
}
