//! The auth cookie file and the SAFE_COOKIE hashes.
//!
//! `ext-orport-spec.txt` section 2.1.2 and tor's `ext_orport.c`: tor writes a 64-byte file,
//! the 32-byte header `! Extended ORPort Auth Cookie !` plus a line feed, then 32 random bytes,
//! the cookie. Section 2.1.3: both sides prove they know the cookie with HMAC-SHA256 keyed by
//! it, over a fixed string and the two nonces, client nonce first:
//!
//! ```text
//! ServerHash = HMAC-SHA256(cookie, "ExtORPort authentication server-to-client hash" | ClientNonce | ServerNonce)
//! ClientHash = HMAC-SHA256(cookie, "ExtORPort authentication client-to-server hash" | ClientNonce | ServerNonce)
//! ```
//!
//! [`AuthKey`] computes the HMAC key schedule once per cookie and clones the prepared state
//! for each hash, which saves two SHA-256 blocks per hash.

use bytes::BufMut;
use core::fmt;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use crate::{
    CLIENT_HASH_CONST, COOKIE_FILE_HEADER, COOKIE_FILE_LEN, COOKIE_LEN, Error, HASH_LEN, NONCE_LEN,
    SERVER_HASH_CONST,
};

/// The 32-byte secret that tor writes into the auth cookie file.
///
/// It is wiped from memory when dropped, its `Debug` output does not show it, and two cookies
/// compare in constant time. Cookie bytes come from the caller (tor draws them from its RNG;
/// this crate has none).
///
/// ```
/// use pt_extorport::Cookie;
///
/// let cookie = Cookie::new([7; 32]);
/// let file = cookie.to_file();
/// assert_eq!(&file[..32], b"! Extended ORPort Auth Cookie !\n");
/// assert_eq!(Cookie::from_file(&file[..])?, cookie);
/// assert_eq!(format!("{cookie:?}"), "Cookie(..)");
/// # Ok::<(), pt_extorport::Error>(())
/// ```
#[derive(Clone)]
pub struct Cookie([u8; COOKIE_LEN]);

impl Cookie {
    /// A cookie from 32 bytes (for a new file: 32 random bytes from the caller's RNG).
    pub const fn new(bytes: [u8; COOKIE_LEN]) -> Self {
        Cookie(bytes)
    }

    /// Reads the contents of a cookie file: exactly [`COOKIE_FILE_LEN`] bytes, the header
    /// (compared in constant time) and the cookie.
    ///
    /// # Errors
    ///
    /// [`Error::CookieFileEmpty`], [`Error::CookieFileTooShort`],
    /// [`Error::CookieFileTooLong`] and [`Error::CookieFileBadHeader`], the four cases goptlib
    /// tells apart (its `pt_test.go` `TestReadAuthCookie`; behaviours:
    /// `extorport-cookie-file`).
    pub fn from_file(file: &[u8]) -> Result<Self, Error> {
        let len = file.len();
        if len == 0 {
            return Err(Error::CookieFileEmpty);
        }
        if len < COOKIE_FILE_LEN {
            return Err(Error::CookieFileTooShort { len });
        }
        if len > COOKIE_FILE_LEN {
            return Err(Error::CookieFileTooLong { len });
        }
        let (header, cookie) = file.split_at(COOKIE_FILE_HEADER.len());
        if !bool::from(header.ct_eq(COOKIE_FILE_HEADER)) {
            return Err(Error::CookieFileBadHeader);
        }
        let mut bytes = [0u8; COOKIE_LEN];
        bytes.copy_from_slice(cookie);
        Ok(Cookie(bytes))
    }

    /// The 64 bytes of a cookie file holding this cookie (wiped when dropped).
    pub fn to_file(&self) -> Zeroizing<[u8; COOKIE_FILE_LEN]> {
        let mut file = Zeroizing::new([0u8; COOKIE_FILE_LEN]);
        let (header, cookie) = file.split_at_mut(COOKIE_FILE_HEADER.len());
        header.copy_from_slice(COOKIE_FILE_HEADER);
        cookie.copy_from_slice(&self.0);
        file
    }

    /// Writes the 64 bytes of a cookie file into `out`.
    ///
    /// # Errors
    ///
    /// [`Error::BufferTooSmall`] when `out` has less than 64 bytes of room (nothing written).
    pub fn write_file<B: BufMut>(&self, out: &mut B) -> Result<usize, Error> {
        crate::check_room(out, COOKIE_FILE_LEN)?;
        out.put_slice(COOKIE_FILE_HEADER);
        out.put_slice(&self.0);
        Ok(COOKIE_FILE_LEN)
    }

    /// The cookie bytes.
    pub fn as_bytes(&self) -> &[u8; COOKIE_LEN] {
        &self.0
    }

    /// The HMAC key prepared from this cookie, for the handshakes.
    pub fn key(&self) -> AuthKey {
        AuthKey::new(self)
    }
}

#[cfg(feature = "arbitrary")]
impl<'a> arbitrary::Arbitrary<'a> for Cookie {
    fn arbitrary(u: &mut arbitrary::Unstructured<'a>) -> arbitrary::Result<Self> {
        Ok(Cookie(u.arbitrary()?))
    }
}

impl Drop for Cookie {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl ZeroizeOnDrop for Cookie {}

impl PartialEq for Cookie {
    /// Constant time.
    fn eq(&self, other: &Self) -> bool {
        self.0.ct_eq(&other.0).into()
    }
}

impl Eq for Cookie {}

impl fmt::Debug for Cookie {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Cookie(..)")
    }
}

/// HMAC-SHA256 keyed with a cookie, the key schedule computed once.
///
/// Both machines borrow one: make it once per cookie (with [`Cookie::key`]) and share it
/// between connections. Each hash clones the prepared state instead of hashing the key
/// again. The state is wiped when dropped; `Debug` does not show it.
///
/// ```
/// use pt_extorport::Cookie;
///
/// // tor's test vector (`test_extorport.c` `test_ext_or_cookie_auth_testvec`).
/// let key = Cookie::new(*b"Gliding wrapt in a brown mantle,").key();
/// let client_nonce = *b"But when I look ahead up the whi";
/// let server_nonce = *b"te road There is always another ";
/// assert_eq!(
///     key.server_hash(&client_nonce, &server_nonce)[..4],
///     [0xec, 0x80, 0xed, 0x6e]
/// );
/// assert_eq!(
///     key.client_hash(&client_nonce, &server_nonce)[..4],
///     [0xab, 0x39, 0x17, 0x32]
/// );
/// ```
#[derive(Clone)]
pub struct AuthKey {
    mac: Hmac<Sha256>,
}

impl AuthKey {
    /// Computes the HMAC key schedule of `cookie`.
    pub fn new(cookie: &Cookie) -> Self {
        // A 32-byte key is always valid for HMAC (any length is).
        let mac = match <Hmac<Sha256> as KeyInit>::new_from_slice(&cookie.0) {
            Ok(mac) => mac,
            Err(_) => <Hmac<Sha256> as KeyInit>::new(&Default::default()),
        };
        AuthKey { mac }
    }

    /// The HMAC state after `constant | client_nonce | server_nonce`.
    #[inline]
    fn mac(
        &self,
        constant: &[u8],
        client_nonce: &[u8; NONCE_LEN],
        server_nonce: &[u8; NONCE_LEN],
    ) -> Hmac<Sha256> {
        let mut mac = self.mac.clone();
        mac.update(constant);
        mac.update(client_nonce);
        mac.update(server_nonce);
        mac
    }

    /// ServerHash: what the server sends to prove it knows the cookie.
    pub fn server_hash(
        &self,
        client_nonce: &[u8; NONCE_LEN],
        server_nonce: &[u8; NONCE_LEN],
    ) -> [u8; HASH_LEN] {
        self.mac(SERVER_HASH_CONST, client_nonce, server_nonce)
            .finalize()
            .into_bytes()
            .into()
    }

    /// ClientHash: what the client sends to prove it knows the cookie.
    pub fn client_hash(
        &self,
        client_nonce: &[u8; NONCE_LEN],
        server_nonce: &[u8; NONCE_LEN],
    ) -> [u8; HASH_LEN] {
        self.mac(CLIENT_HASH_CONST, client_nonce, server_nonce)
            .finalize()
            .into_bytes()
            .into()
    }

    /// Whether `hash` is the ServerHash of these nonces, compared in constant time.
    pub fn verify_server_hash(
        &self,
        client_nonce: &[u8; NONCE_LEN],
        server_nonce: &[u8; NONCE_LEN],
        hash: &[u8],
    ) -> bool {
        let expected: [u8; HASH_LEN] = self
            .mac(SERVER_HASH_CONST, client_nonce, server_nonce)
            .finalize()
            .into_bytes()
            .into();
        equal_in_constant_time(&expected, hash)
    }

    /// Whether `hash` is the ClientHash of these nonces, compared in constant time.
    pub fn verify_client_hash(
        &self,
        client_nonce: &[u8; NONCE_LEN],
        server_nonce: &[u8; NONCE_LEN],
        hash: &[u8],
    ) -> bool {
        let expected: [u8; HASH_LEN] = self
            .mac(CLIENT_HASH_CONST, client_nonce, server_nonce)
            .finalize()
            .into_bytes()
            .into();
        equal_in_constant_time(&expected, hash)
    }
}

/// Whether `hash` is `expected`, in time that depends on neither (only on `hash.len()`).
///
/// The differences of all 32 bytes are OR-ed together with no branch, and only that one byte
/// goes through `subtle`'s comparison. `Mac::verify_slice` gives the same answer, but it runs
/// each byte through `subtle`'s optimisation barrier: measured, that cost 40 ns of a 500 ns
/// handshake side, more than the whole state machine.
fn equal_in_constant_time(expected: &[u8; HASH_LEN], hash: &[u8]) -> bool {
    if hash.len() != HASH_LEN {
        return false;
    }
    let diff = expected
        .iter()
        .zip(hash)
        .fold(0u8, |acc, (a, b)| acc | (a ^ b));
    diff.ct_eq(&0).into()
}

impl fmt::Debug for AuthKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AuthKey(..)")
    }
}
