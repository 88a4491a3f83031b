//! The two result types every Sans-IO parser and machine of the pt-codecs crates returns
//! (`pt-socks`, `pt-ipc`, `pt-extorport` re-export them): defined once here, in the crate they
//! all depend on, so that a driver written for one machine reads the same for every other.

/// The result of parsing a message from the start of a slice.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Parsed<T> {
    /// The message is complete.
    Complete {
        /// The message.
        value: T,
        /// How many bytes it took; what follows belongs to the next message.
        len: usize,
    },
    /// The slice is a strict prefix of a message (never an error).
    Incomplete {
        /// At least this many more bytes are needed (>= 1); the exact number once the length
        /// fields have arrived.
        needed: usize,
    },
}

impl<T> Parsed<T> {
    /// The message, if complete.
    pub fn complete(self) -> Option<T> {
        match self {
            Parsed::Complete { value, .. } => Some(value),
            Parsed::Incomplete { .. } => None,
        }
    }

    /// Whether more bytes are needed.
    pub fn is_incomplete(&self) -> bool {
        matches!(self, Parsed::Incomplete { .. })
    }

    /// `Incomplete` for a message of `total` bytes of which `have` are present (at least one
    /// more byte is always asked for).
    ///
    /// ```
    /// use pt_args::sansio::Parsed;
    /// assert_eq!(Parsed::<()>::need(10, 4), Parsed::Incomplete { needed: 6 });
    /// assert_eq!(Parsed::<()>::need(4, 4), Parsed::Incomplete { needed: 1 });
    /// ```
    pub fn need(total: usize, have: usize) -> Self {
        Parsed::Incomplete {
            needed: total.saturating_sub(have).max(1),
        }
    }
}

/// What one call of a machine's `advance` did: how many input bytes it consumed and the one
/// event the caller must handle.
///
/// The rule of every machine: after each call, send whatever it wrote into the output buffer
/// (if it takes one), whatever the call returned; then drop `consumed` bytes and act on the
/// event. Events may borrow the input, so handle the event before dropping the bytes.
#[must_use = "send what the call wrote into `out`, drop `consumed` bytes, and handle `event`"]
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Progress<E> {
    /// How many bytes at the start of the input were consumed: drop them before the next call.
    /// With a final event (`Done`, `Connected`), the bytes after them belong to the
    /// application.
    pub consumed: usize,
    /// What the caller must do next.
    pub event: E,
}
