//! What the parent-side builders produce: an environment ([`EnvVars`]) or a command line
//! ([`Argv`](crate::Argv)), each kept in one buffer.

use alloc::vec::Vec;
use core::fmt;

use crate::vars::VAR_COUNT;
use crate::{Argv, Var};

/// The `TOR_PT_*` variables for a PT, in [`Var::ALL`] order, the values in one buffer.
///
/// Pass them to the child process with `Command::env(name, value)` (on Unix, turn a value into
/// an `OsStr` with `std::os::unix::ffi::OsStrExt::from_bytes`).
#[derive(Clone, Default, PartialEq, Eq)]
pub struct EnvVars {
    buf: Vec<u8>,
    slots: [Option<(usize, usize)>; VAR_COUNT],
}

impl EnvVars {
    /// No variables.
    pub fn new() -> EnvVars {
        EnvVars::default()
    }

    /// Sets `var` to `value`, replacing any value it had (for example to offer several
    /// versions: `vars.set(Var::ManagedTransportVer, b"1,2.2")`).
    pub fn set(&mut self, var: Var, value: &[u8]) {
        self.put_with(var, |b| b.extend_from_slice(value));
    }

    /// Removes `var`.
    pub fn remove(&mut self, var: Var) {
        self.slots[var.index()] = None;
    }

    /// The value of `var`, if set.
    pub fn get(&self, var: Var) -> Option<&[u8]> {
        let (s, e) = self.slots[var.index()]?;
        self.buf.get(s..e)
    }

    /// Every variable set, as `(name, value)`.
    pub fn iter(&self) -> impl Iterator<Item = (&'static str, &[u8])> + '_ {
        Var::ALL
            .into_iter()
            .filter_map(|v| self.get(v).map(|x| (v.name(), x)))
    }

    /// How many variables are set.
    pub fn len(&self) -> usize {
        self.slots.iter().flatten().count()
    }

    /// Whether none is.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub(crate) fn put(&mut self, var: Var, value: &[u8]) {
        self.set(var, value);
    }

    pub(crate) fn put_display(&mut self, var: Var, value: impl fmt::Display) {
        self.put_with(var, |b| crate::addr::put_display(b, value));
    }

    pub(crate) fn put_with(&mut self, var: Var, write: impl FnOnce(&mut Vec<u8>)) {
        let start = self.buf.len();
        write(&mut self.buf);
        self.slots[var.index()] = Some((start, self.buf.len()));
    }

    /// [`put_with`](Self::put_with) for a writer that may fail; returns the bytes written.
    pub(crate) fn try_put_with(
        &mut self,
        var: Var,
        write: impl FnOnce(&mut Vec<u8>) -> Result<(), crate::Error>,
    ) -> Result<&[u8], crate::Error> {
        let start = self.buf.len();
        if let Err(e) = write(&mut self.buf) {
            self.buf.truncate(start);
            return Err(e);
        }
        self.slots[var.index()] = Some((start, self.buf.len()));
        Ok(self.buf.get(start..).unwrap_or_default())
    }

    pub(crate) fn with_capacity(n: usize) -> EnvVars {
        EnvVars {
            buf: Vec::with_capacity(n),
            slots: [None; VAR_COUNT],
        }
    }
}

impl fmt::Debug for EnvVars {
    /// The variables; a proxy URI's credentials are not shown.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(Var::ALL.into_iter().filter_map(|v| {
                self.get(v)
                    .map(|x| (v.name(), crate::env::Shown(x, v == Var::Proxy)))
            }))
            .finish()
    }
}

/// The builders write into these.
pub(crate) type EnvOut = EnvVars;
pub(crate) type ArgvOut = Argv;
