//! The `TOR_PT_*` environment (`pt_env`): any `(name, value)` pairs give a configuration or an
//! error, never a panic, under every policy and set of dialects; an error is one printable
//! line; whatever parses and builds parses back to itself; any configuration `Arbitrary`
//! generates builds into an environment that parses back to it.
#![no_main]

use libfuzzer_sys::arbitrary::{Arbitrary, Unstructured};
use libfuzzer_sys::fuzz_target;
use pt_env::{Config, Dialect, Dialects, Env, PtConfig, Var};

const POLICIES: [Config; 3] = [Config::DEFAULT, Config::LENIENT, Config::STRICT];

fuzz_target!(|data: &[u8]| {
    // Lines of `<var index byte><value>`: the first byte picks a variable (or an unknown name).
    let pairs: Vec<(&[u8], &[u8])> = data
        .split(|&b| b == b'\n')
        .filter_map(|l| {
            let (&i, value) = l.split_first()?;
            let name = Var::ALL
                .get(usize::from(i % 16))
                .map_or(&b"TOR_PT_UNKNOWN"[..], |v| v.name().as_bytes());
            Some((name, value))
        })
        .collect();
    let env = Env::from_pairs(pairs.iter().map(|(n, v)| (*n, *v)));
    let dialects: Dialects = Dialect::ALL
        .into_iter()
        .filter(|d| data.first().is_some_and(|b| b & (1 << (*d as u8)) != 0))
        .collect();
    for policy in POLICIES {
        check(&env, &policy.with_dialects(dialects));
        check(&env, &policy.with_dialects(Dialects::ALL));
    }
    if let Ok(config) = PtConfig::arbitrary(&mut Unstructured::new(data)) {
        let vars = config
            .to_env()
            .expect("Arbitrary generates buildable configs");
        for policy in POLICIES {
            let back = pt_env::parse(vars.iter(), &policy).map(PtConfig::into_owned);
            assert_eq!(back.as_ref(), Ok(&config), "{vars:?}");
        }
    }
});

fn check(env: &Env<'_>, policy: &Config) {
    match env.parse(policy) {
        Err(e) => {
            let line = e.line().to_string();
            assert!(line.is_ascii() && !line.contains('\n'), "{line:?}");
        }
        Ok(c) => {
            assert_eq!(c.clone().into_owned(), c);
            let rebuilt = if c.version().dialect() == Dialect::Pt1 {
                c.to_env().ok().map(|v| {
                    let again = pt_env::parse(v.iter(), policy);
                    again.map(PtConfig::into_owned)
                })
            } else {
                c.to_argv().ok().map(|a| {
                    Env::new()
                        .with_argv(a.iter(), &[])
                        .and_then(|e| e.parse(policy))
                        .map(PtConfig::into_owned)
                })
            };
            if let Some(again) = rebuilt {
                assert_eq!(again, Ok(c.into_owned()));
            }
        }
    }
}
