//! `@string` macros: kept by parts as the file defines them, measured before
//! use (cycles, depth, size), and written out as the definitions an entry
//! needs.

use super::{Chunk, braced, describe};
use crate::diag::{Diagnostics, Source};
use biblatex::{RawBibliography, RawChunk};
use std::collections::{HashMap, HashSet};

/// One part of a `@string` value: literal text or a reference to another macro.
#[derive(Clone)]
enum Part {
    Text(String),
    Ref(String),
}

/// A `@string` macro's value, by parts, as the file wrote it.
#[derive(Clone)]
struct Macro {
    parts: Vec<Part>,
}

fn parts(field: &[biblatex::Spanned<RawChunk>]) -> Vec<Part> {
    field
        .iter()
        .map(|c| match c.v {
            RawChunk::Normal(text) => Part::Text(text.to_string()),
            RawChunk::Abbreviation(name) => Part::Ref(name.to_string()),
        })
        .collect()
}

pub(super) fn read_macro(
    body: &str,
    at: &Source,
    chunk: &Chunk,
    macros: &mut Macros,
    diags: &mut Diagnostics,
) {
    if !chunk.terminated {
        diags
            .error(at, "@string is not terminated: a closing `}` is missing")
            .hint("balance the braces of this @string");
        return;
    }
    match RawBibliography::parse(&braced(body)) {
        Ok(raw) => {
            for pair in raw.abbreviations {
                macros.insert(pair.key.v, parts(&pair.value.v));
            }
        }
        Err(err) => {
            diags
                .error(
                    at,
                    format!("cannot read this @string: {}", describe(&err.kind)),
                )
                .hint("write it as @string{name = {value}}");
        }
    }
}

/// How deep `@string` macros may refer to one another. The parser resolves
/// them recursively, so without a bound a long chain overflows its stack.
const MAX_MACRO_DEPTH: usize = 32;

/// How long (in bytes of text) the macros of one entry may expand to: macros
/// that each use the previous one twice double at every step.
const MAX_MACRO_EXPANSION: usize = 1 << 20;

/// The `@string` macros read so far, and what is known about expanding them.
#[derive(Default, Clone)]
pub(super) struct Macros {
    /// Lowercase name → value.
    defined: HashMap<String, Macro>,
    /// Lowercase name → its expansion, or why it cannot be expanded; cleared
    /// whenever a macro is (re)defined.
    measured: HashMap<String, Result<Expansion, Unusable>>,
}

/// The size of a macro once every macro it uses is substituted.
#[derive(Debug, Clone, Copy, Default)]
struct Expansion {
    /// Bytes of text plus one per part.
    size: usize,
    /// The longest chain of macros using macros, this one included.
    height: usize,
}

/// The macros [`Macros::measure`] is in the middle of, outermost first:
/// an explicit stack, so that no input can make it recurse deeply.
#[derive(Default)]
struct Walk {
    /// (macro, index of its next part, expansion so far)
    stack: Vec<(String, usize, Expansion)>,
    on_stack: HashSet<String>,
}

impl Walk {
    /// A macro's expansion before any of its parts is measured.
    const FRESH: Expansion = Expansion { size: 0, height: 1 };

    fn enter(&mut self, name: String) {
        self.on_stack.insert(name.clone());
        self.stack.push((name, 0, Self::FRESH));
    }

    fn top(&self) -> Option<&Expansion> {
        self.stack.last().map(|(_, _, acc)| acc)
    }

    /// Adds `size` bytes to the innermost macro, and makes it at least `height` high.
    fn grow(&mut self, size: usize, height: usize) {
        if let Some((_, _, acc)) = self.stack.last_mut() {
            acc.size = acc.size.saturating_add(size);
            acc.height = acc.height.max(height);
        }
    }
}

/// Why a macro is shown as its name instead of its value.
#[derive(Debug, Clone)]
pub(super) enum Unusable {
    /// The macros, in order, of a chain that comes back to its first one.
    Cycle(Vec<String>),
    TooDeep,
    TooLarge,
}

impl Unusable {
    pub(super) fn describe(&self, name: &str) -> (String, String) {
        match self {
            Unusable::Cycle(chain) => (
                format!(
                    "the @string `{name}` refers to itself ({}); it is shown as its name",
                    chain.join(" → ")
                ),
                "define each @string from text and @strings defined before it".to_string(),
            ),
            Unusable::TooDeep => (
                format!(
                    "the @string `{name}` is built from more than {MAX_MACRO_DEPTH} levels of other @strings; it is shown as its name"
                ),
                "write its value out in full".to_string(),
            ),
            Unusable::TooLarge => (
                format!(
                    "the @strings of this entry expand to more than {} MiB of text; `{name}` is shown as its name",
                    MAX_MACRO_EXPANSION >> 20
                ),
                "an @string that uses another one several times grows at every step; write the value out".to_string(),
            ),
        }
    }
}

impl Macros {
    fn insert(&mut self, name: &str, parts: Vec<Part>) {
        self.defined
            .insert(name.to_ascii_lowercase(), Macro { parts });
        self.measured.clear();
    }

    /// The expansion of macro `root`, found with an explicit stack (never
    /// recursion, whatever the input) and remembered.
    fn measure(&mut self, root: &str) -> Result<Expansion, Unusable> {
        let root = root.to_ascii_lowercase();
        if let Some(known) = self.measured.get(&root) {
            return known.clone();
        }
        if !self.defined.contains_key(&root) {
            return Ok(Expansion {
                size: root.len() + 1,
                height: 1,
            });
        }
        let mut walk = Walk::default();
        walk.enter(root);
        while let Some((name, next, _)) = walk.stack.last_mut() {
            let part = self
                .defined
                .get(name.as_str())
                .and_then(|m| m.parts.get(*next))
                .cloned();
            let Some(part) = part else {
                // Every part is measured: this macro is done.
                match self.close(&mut walk) {
                    Some(result) => return result,
                    None => continue,
                }
            };
            *next += 1;
            if let Err(why) = self.add(&mut walk, &part) {
                return self.fail(&mut walk.stack, why);
            }
            if walk.top().is_some_and(|acc| acc.size > MAX_MACRO_EXPANSION) {
                return self.fail(&mut walk.stack, Unusable::TooLarge);
            }
        }
        Ok(Walk::FRESH)
    }

    /// Adds one part of the innermost macro of `walk` to its expansion, or
    /// starts measuring the macro it refers to.
    fn add(&self, walk: &mut Walk, part: &Part) -> Result<(), Unusable> {
        let other = match part {
            Part::Text(text) => {
                walk.grow(text.len() + 1, 0);
                return Ok(());
            }
            Part::Ref(other) => other.to_ascii_lowercase(),
        };
        if let Some(known) = self.measured.get(&other) {
            let e = known.clone()?;
            walk.grow(e.size + 1, e.height + 1);
        } else if walk.on_stack.contains(&other) {
            let from = walk.stack.iter().position(|(n, _, _)| *n == other);
            let mut chain: Vec<String> = walk.stack[from.unwrap_or(0)..]
                .iter()
                .map(|(n, _, _)| n.clone())
                .collect();
            chain.push(other);
            return Err(Unusable::Cycle(chain));
        } else if self.defined.contains_key(&other) {
            walk.enter(other);
        } else {
            walk.grow(other.len() + 1, 0);
        }
        Ok(())
    }

    /// Ends the innermost macro of `walk`, every part of which is measured:
    /// remembers it and adds it to the macro that uses it. The result of
    /// the whole walk once it was the outermost, or once it failed.
    fn close(&mut self, walk: &mut Walk) -> Option<Result<Expansion, Unusable>> {
        let (name, _, mut done) = walk.stack.pop().unwrap_or_default();
        walk.on_stack.remove(&name);
        let result = if done.height > MAX_MACRO_DEPTH {
            Err(Unusable::TooDeep)
        } else {
            Ok(done)
        };
        self.measured.insert(name, result.clone());
        match (walk.stack.last_mut(), result) {
            (Some((_, _, parent)), Ok(_)) => {
                parent.size = parent.size.saturating_add(done.size + 1);
                done.height += 1;
                parent.height = parent.height.max(done.height);
                None
            }
            (Some(_), Err(why)) => Some(self.fail(&mut walk.stack, why)),
            (None, result) => Some(result),
        }
    }

    /// Marks every macro on the stack as unusable: each of them uses the one
    /// that failed.
    fn fail(
        &mut self,
        stack: &mut Vec<(String, usize, Expansion)>,
        why: Unusable,
    ) -> Result<Expansion, Unusable> {
        for (name, _, _) in stack.drain(..) {
            self.measured.insert(name, Err(why.clone()));
        }
        Err(why)
    }
}

/// `@string` definitions for the macros an entry uses, spelled as the entry
/// spells them (BibTeX ignores case, the parser does not). Undefined macros
/// are defined as their own name and named in the second list; macros that
/// cannot be expanded likewise, with the reason, in the third.
pub(super) fn prelude(
    used: &[String],
    macros: &mut Macros,
) -> (String, Vec<String>, Vec<(String, Unusable)>) {
    let mut out = String::new();
    let mut done = HashSet::new();
    let mut missing = Vec::new();
    let mut unusable = Vec::new();
    let mut total = 0usize;
    for name in used {
        if !done.insert(name.clone()) {
            continue;
        }
        let lower = name.to_ascii_lowercase();
        if !macros.defined.contains_key(&lower) {
            if !is_month(&lower) {
                missing.push(name.clone());
                out.push_str(&format!("@string{{{name} = {{{name}}}}}\n"));
            }
            continue;
        }
        let measured = macros.measure(name).and_then(|e| {
            total = total.saturating_add(e.size);
            if total > MAX_MACRO_EXPANSION {
                Err(Unusable::TooLarge)
            } else {
                Ok(e)
            }
        });
        match measured {
            Ok(_) => define(name, &macros.defined, &mut done, &mut missing, &mut out),
            Err(why) => {
                unusable.push((name.clone(), why));
                out.push_str(&format!("@string{{{name} = {{{name}}}}}\n"));
            }
        }
    }
    (out, missing, unusable)
}

/// Writes `@string` definitions for `name` and the macros it uses, those
/// first. Only called for macros [`Macros::measure`] accepted, so the
/// recursion is at most [`MAX_MACRO_DEPTH`] deep.
fn define(
    name: &str,
    macros: &HashMap<String, Macro>,
    done: &mut HashSet<String>,
    missing: &mut Vec<String>,
    out: &mut String,
) {
    done.insert(name.to_string());
    let Some(m) = macros.get(&name.to_ascii_lowercase()) else {
        return;
    };
    let mut value = Vec::new();
    for part in &m.parts {
        match part {
            Part::Text(text) => value.push(delimited(text)),
            Part::Ref(other) => {
                let lower = other.to_ascii_lowercase();
                if !done.contains(other.as_str()) {
                    if macros.contains_key(&lower) {
                        define(other, macros, done, missing, out);
                    } else if !is_month(&lower) {
                        done.insert(other.clone());
                        missing.push(other.clone());
                        out.push_str(&format!("@string{{{other} = {{{other}}}}}\n"));
                    }
                }
                value.push(other.clone());
            }
        }
    }
    out.push_str(&format!("@string{{{name} = {}}}\n", value.join(" # ")));
}

/// A macro's text in the delimiters the parser will read back: braces, or
/// quotes when its braces do not balance (a `"…"` value may hold `{`).
fn delimited(text: &str) -> String {
    let mut depth = 0usize;
    let mut balanced = true;
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                chars.next();
            }
            '{' => depth += 1,
            '}' if depth == 0 => balanced = false,
            '}' => depth -= 1,
            _ => {}
        }
    }
    let escaped_end = text.len() - text.trim_end_matches('\\').len();
    if balanced && depth == 0 && escaped_end % 2 == 0 {
        format!("{{{text}}}")
    } else {
        format!("\"{text}\"")
    }
}

fn is_month(name: &str) -> bool {
    matches!(
        name,
        "jan"
            | "feb"
            | "mar"
            | "apr"
            | "may"
            | "jun"
            | "jul"
            | "aug"
            | "sep"
            | "oct"
            | "nov"
            | "dec"
    )
}
