//! `Args` (ordered multimap, zero-copy when nothing is escaped) and `TransportName`
//! (spec section 3.1: `[a-zA-Z_][a-zA-Z0-9_]*`).

mod common;

use common::pairs;
use pt_args::{Args, Error, INLINE_PAIRS, TransportName, name, options, smethod, socks};

#[test]
fn order_and_duplicates_are_kept() {
    let mut a = Args::new();
    assert!(a.is_empty());
    assert_eq!(a.len(), 0);
    assert_eq!(a.get("k"), None);
    a.push("k", "1");
    a.push("b", "x");
    a.push("k", "2");
    a.push("a", "");
    a.push("k", "3");
    assert_eq!(a.len(), 5);
    assert!(!a.is_empty());
    assert_eq!(
        pairs(&a),
        [("k", "1"), ("b", "x"), ("k", "2"), ("a", ""), ("k", "3")]
    );
    assert_eq!(a.get("k"), Some("1"), "get returns the first");
    assert_eq!(a.get("a"), Some(""));
    assert_eq!(a.get("K"), None, "keys are case-sensitive");
    assert_eq!(a.get_all("k").collect::<Vec<_>>(), ["1", "2", "3"]);
    assert_eq!(a.get_all("zz").count(), 0);
    assert!(a.contains_key("b") && !a.contains_key("x"));
    assert_eq!(a.iter().len(), 5);
    assert_eq!(a.iter().next_back(), Some((&b"k"[..], &b"3"[..])));
    assert_eq!(
        a.iter()
            .rev()
            .flat_map(|(k, _)| k.to_vec())
            .collect::<Vec<u8>>(),
        b"kakbk"
    );
    assert_eq!((&a).into_iter().count(), 5);
    assert_eq!(a.iter().nth(1), Some((&b"b"[..], &b"x"[..])));
    assert_eq!(
        format!("{a:?}"),
        r#"[("k", "1"), ("b", "x"), ("k", "2"), ("a", ""), ("k", "3")]"#
    );
    // The same pairs in another order are a different list.
    let other: Args<'_> = [("b", "x"), ("k", "1"), ("k", "2"), ("a", ""), ("k", "3")]
        .into_iter()
        .collect();
    assert_ne!(a, other);
    assert_eq!(Args::default(), Args::new());
}

#[test]
fn spilling_past_inline_pairs_keeps_order() {
    for n in [
        INLINE_PAIRS - 1,
        INLINE_PAIRS,
        INLINE_PAIRS + 1,
        2 * INLINE_PAIRS + 3,
        100,
    ] {
        let mut a = Args::new();
        let mut want = Vec::new();
        for i in 0..n {
            let (k, v) = (format!("k{}", i % 3), format!("v{i}"));
            want.push((k.clone(), v.clone()));
            a.push(k, v);
            assert_eq!(a.len(), i + 1);
        }
        let got: Vec<(String, String)> = pairs(&a)
            .into_iter()
            .map(|(k, v)| (k.into(), v.into()))
            .collect();
        assert_eq!(got, want, "n = {n}");
        assert_eq!(a.get_all("k0").count(), n.div_ceil(3));
        // Equality does not depend on where the pairs are stored.
        let copy: Args<'_> = want.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        assert_eq!(copy, a);
        let owned = a.clone().into_owned();
        assert_eq!(owned, a);
        // Parsing the encoded list gives the same, past the inline capacity too.
        let wire = socks::to_string(&a).unwrap();
        let parsed = socks::parse(&wire).unwrap();
        assert_eq!(parsed, a);
        assert!(parsed.is_borrowed());
        let mut extended = Args::new();
        extended.extend(a.iter());
        assert_eq!(extended, a);
    }
}

/// Whether `field` lies inside `input`: a borrowed field does, an unescaped copy does not.
fn borrows(input: &[u8], field: &[u8]) -> bool {
    input.as_ptr_range().contains(&field.as_ptr()) || field.is_empty()
}

#[test]
fn zero_copy_exactly_when_nothing_is_escaped() {
    let plain = "cert=AAAA+/x;iat-mode=0;k=a=b";
    let a = socks::parse(plain).unwrap();
    assert!(a.is_borrowed());
    // Each field points into the input.
    for (k, v) in &a {
        assert!(borrows(plain.as_bytes(), k) && borrows(plain.as_bytes(), v));
    }
    // One escape anywhere: that field owns an unescaped copy (its key may be copied with it,
    // the layout's choice), the other pairs still borrow.
    let escaped = r"cert=AAAA;iat-mode=0;k=a\;b";
    let a = socks::parse(escaped).unwrap();
    assert!(!a.is_borrowed());
    let fields: Vec<(&[u8], &[u8])> = a.iter().collect();
    for (k, v) in &fields[..2] {
        assert!(borrows(escaped.as_bytes(), k) && borrows(escaped.as_bytes(), v));
    }
    assert!(!borrows(escaped.as_bytes(), fields[2].1));
    assert_eq!(a.get("k"), Some("a;b"));
    // Same in the other flavours.
    assert!(smethod::parse("a=1,b=2").unwrap().is_borrowed());
    assert!(!smethod::parse(r"a=1,b=2\,3").unwrap().is_borrowed());
    let o = options::parse(r"t:a=1;u:b=c\:d").unwrap();
    assert!(o.get("t").unwrap().is_borrowed());
    assert!(!o.get("u").unwrap().is_borrowed());
    // Args built with push own their bytes; into_owned never borrows.
    let mut built = Args::new();
    built.push("k", String::from("v"));
    assert!(!built.is_borrowed());
    let plain_args = socks::parse(plain).unwrap();
    let owned = plain_args.clone().into_owned();
    assert!(!owned.is_borrowed());
    assert_eq!(owned, plain_args);
    for (k, v) in &owned {
        assert!(!borrows(plain.as_bytes(), k) && !borrows(plain.as_bytes(), v));
    }
}

#[test]
fn into_owned_outlives_the_input() {
    let owned: Args<'static> = {
        let input = String::from(r"a=1;b=2\;3;a=4;c=5;d=6");
        socks::parse(&input).unwrap().into_owned()
    };
    assert_eq!(
        pairs(&owned),
        [("a", "1"), ("b", "2;3"), ("a", "4"), ("c", "5"), ("d", "6")]
    );
}

#[test]
fn transport_names() {
    let long = "x".repeat(1000);
    for ok in [
        "obfs4",
        "meek_lite",
        "snowflake",
        "webtunnel",
        "_",
        "a",
        "Z9",
        "_0_",
        "fake5",
        &long,
    ] {
        let n = TransportName::new(ok).unwrap_or_else(|e| panic!("{ok:?}: {e}"));
        assert_eq!(n.as_str(), ok);
        assert_eq!(n, ok);
        assert_eq!(&*n, ok);
        assert_eq!(n.to_string(), ok);
        assert_eq!(format!("{n:?}"), format!("{ok:?}"));
        assert_eq!(AsRef::<str>::as_ref(&n), ok);
        assert_eq!(name::validate(ok.as_bytes()), Ok(()));
        assert_eq!(TransportName::from_string(ok.to_owned()).unwrap(), n);
        assert_eq!(ok.parse::<TransportName<'static>>().unwrap(), n);
        assert_eq!(n.clone().into_owned(), n);
    }
    let bad: &[(&str, usize)] = &[
        ("", 0),
        ("4obfs", 0),
        ("-x", 0),
        (" obfs4", 0),
        ("meek-lite", 4),
        ("web-tunnel", 3),
        ("obfs4 ", 5),
        ("a.b", 1),
        ("a:b", 1),
        ("é", 0),
        ("aé", 1),
        ("a\0", 1),
        ("abc=", 3),
    ];
    for &(text, offset) in bad {
        let e = Error::InvalidTransportName { offset };
        assert_eq!(TransportName::new(text), Err(e.clone()), "{text:?}");
        assert_eq!(
            TransportName::from_string(text.to_owned()),
            Err(e.clone()),
            "{text:?}"
        );
        assert_eq!(
            text.parse::<TransportName<'static>>(),
            Err(e.clone()),
            "{text:?}"
        );
        assert_eq!(name::validate(text.as_bytes()), Err(e), "{text:?}");
    }
    // Non-UTF-8 bytes are just invalid bytes to validate().
    assert_eq!(
        name::validate(b"ab\xff"),
        Err(Error::InvalidTransportName { offset: 2 })
    );
    // Ordering and equality follow the string, borrowed or owned.
    let mut names = [
        TransportName::new("b").unwrap(),
        TransportName::from_string("a".to_owned()).unwrap(),
    ];
    names.sort();
    assert_eq!(names[0], "a");
    assert_eq!(names[1], TransportName::new("b").unwrap().into_owned());
}
