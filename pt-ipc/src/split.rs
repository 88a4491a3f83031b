//! Cutting a PT's output stream into lines.
//!
//! Feed [`Splitter::advance`] all the unconsumed bytes you have; it returns one complete line
//! (without its line feed), or [`Event::NeedInput`], and how many bytes to drop. It remembers
//! how far it has already looked for the line feed, so every byte is scanned once whatever the
//! chunking (O(n) in total; `memchr` does the scanning). A line longer than the maximum
//! ([`DEFAULT_MAX_LINE_LEN`] unless set) is reported once as [`Event::TooLong`] and then skipped
//! up to its line feed without being buffered: its bytes are consumed as they arrive. At the
//! end of the stream, [`Splitter::finish`] gives the last line if it had no line feed.
//!
//! Only LF ends a line (`pt-spec.txt` section 3.3); a `\r` before it stays in the line, where
//! [`Message::parse`](crate::Message::parse) drops it under the lenient policy.
//!
//! ```
//! use pt_ipc::split::{Event, Splitter};
//!
//! let mut s = Splitter::new();
//! let mut buf = b"VERSION 1\nCMETH".to_vec();
//! let p = s.advance(&buf);
//! assert_eq!(p.event, Event::Line(b"VERSION 1"));
//! buf.drain(..p.consumed);
//! let p = s.advance(&buf);
//! assert_eq!((p.consumed, p.event), (0, Event::NeedInput));
//! buf.extend_from_slice(b"ODS DONE");
//! assert_eq!(s.finish(&buf), Event::Line(b"CMETHODS DONE"));
//! ```

use crate::Progress;

/// The default maximum line length: 64 KiB, far above any real PT line (an obfs4 SMETHOD is
/// about 150 bytes), low enough that a runaway PT cannot make a parent buffer without bound.
pub const DEFAULT_MAX_LINE_LEN: usize = 64 * 1024;

/// What the caller must do after [`Splitter::advance`] or [`Splitter::finish`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Event<'a> {
    /// Call again when more bytes have arrived (after dropping the consumed ones).
    NeedInput,
    /// A complete line, without its line feed.
    Line(&'a [u8]),
    /// A line longer than the maximum began here; its bytes are consumed as they come, up to
    /// and including its line feed, and never returned.
    TooLong {
        /// The maximum.
        max: usize,
    },
    /// From [`Splitter::finish`]: nothing is left.
    End,
}

/// The line splitter (see the [module docs](self)).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Splitter {
    max: usize,
    /// How many bytes of the pending line were already scanned.
    scanned: usize,
    /// Inside a too long line: drop bytes up to the next line feed.
    skipping: bool,
}

impl Default for Splitter {
    fn default() -> Self {
        Splitter::new()
    }
}

impl Splitter {
    /// A splitter with the [`DEFAULT_MAX_LINE_LEN`].
    pub const fn new() -> Self {
        Splitter::with_max_line_len(DEFAULT_MAX_LINE_LEN)
    }

    /// A splitter that reports lines longer than `max` bytes (line feed not counted) as
    /// [`Event::TooLong`].
    pub const fn with_max_line_len(max: usize) -> Self {
        Splitter {
            max,
            scanned: 0,
            skipping: false,
        }
    }

    /// The maximum line length.
    pub const fn max_line_len(&self) -> usize {
        self.max
    }

    /// Looks for the next line in `input`, the bytes not consumed so far (see the
    /// [module docs](self)).
    #[inline]
    pub fn advance<'a>(&mut self, input: &'a [u8]) -> Progress<Event<'a>> {
        let mut consumed = 0;
        if self.skipping {
            match memchr::memchr(b'\n', input) {
                None => {
                    return Progress {
                        consumed: input.len(),
                        event: Event::NeedInput,
                    };
                }
                Some(at) => {
                    consumed = at + 1;
                    self.skipping = false;
                    self.scanned = 0;
                }
            }
        }
        let rest = input.get(consumed..).unwrap_or_default();
        // A line may have `max` bytes, so its line feed is within the first `max + 1`.
        let window = rest.len().min(self.max.saturating_add(1));
        let from = self.scanned.min(window);
        let new = rest.get(from..window).unwrap_or_default();
        // A few new bytes (a driver fed a byte or two): look at them directly, memchr's setup
        // costs more than the scan.
        let found = if new.len() < 8 {
            new.iter().position(|&b| b == b'\n')
        } else {
            memchr::memchr(b'\n', new)
        };
        if let Some(at) = found {
            let end = from + at;
            self.scanned = 0;
            return Progress {
                consumed: consumed + end + 1,
                event: Event::Line(rest.get(..end).unwrap_or_default()),
            };
        }
        if rest.len() > self.max {
            // No line feed in the first `max + 1` bytes: drop them and skip the rest.
            self.skipping = true;
            self.scanned = 0;
            return Progress {
                consumed: consumed + window,
                event: Event::TooLong { max: self.max },
            };
        }
        self.scanned = window;
        Progress {
            consumed,
            event: Event::NeedInput,
        }
    }

    /// At the end of the stream: the last line if `input` (the bytes not consumed) holds one
    /// without a line feed, [`Event::TooLong`] if it is too long, else [`Event::End`]. All of
    /// `input` is then consumed, and the splitter is ready for a new stream.
    pub fn finish<'a>(&mut self, input: &'a [u8]) -> Event<'a> {
        let skipping = core::mem::replace(&mut self.skipping, false);
        self.scanned = 0;
        if skipping {
            // The tail of a too long line, already reported.
            return Event::End;
        }
        match memchr::memchr(b'\n', input) {
            // The caller did not drain complete lines first: give the first one.
            Some(at) => Event::Line(input.get(..at).unwrap_or_default()),
            None if input.is_empty() => Event::End,
            None if input.len() > self.max => Event::TooLong { max: self.max },
            None => Event::Line(input),
        }
    }
}
