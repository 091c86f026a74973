//! A manifest read in step with something else (the walk of `latest`, another manifest): never
//! held in memory whole.

use super::super::manifest::{self, Entry, Reader};
use super::super::pathcode;
use std::cmp::Ordering;

pub struct Cursor {
    reader: Option<Reader>,
    next: Option<Entry>,
}

impl Cursor {
    pub fn new(reader: Option<Reader>) -> Result<Cursor, String> {
        let mut c = Cursor { reader, next: None };
        c.advance()?;
        Ok(c)
    }

    fn advance(&mut self) -> Result<(), String> {
        self.next = match self.reader.as_mut() {
            Some(r) => r.next_entry().map_err(|e| e.to_string())?,
            None => None,
        };
        Ok(())
    }

    /// The entry at `key`. Keys must be asked for in walk order: entries before `key` are passed
    /// over for good. A manifest that turns out damaged stops everything (an entry missed would
    /// look like a file to remove).
    pub fn find(&mut self, key: &str) -> Result<Option<&Entry>, String> {
        while self.next.as_ref().is_some_and(|e| order(&e.path, key).is_lt()) {
            self.advance()?;
        }
        Ok(self.next.as_ref().filter(|e| e.path == key))
    }

    /// The next entry, without taking it.
    pub fn peek(&self) -> Option<&Entry> {
        self.next.as_ref()
    }

    /// The next entry, for reading the whole manifest in order.
    pub fn take(&mut self) -> Result<Option<Entry>, String> {
        let e = self.next.take();
        if e.is_some() {
            self.advance()?;
        }
        Ok(e)
    }
}

/// The order of the walk, which is the order of a set's manifest: folder by folder, each folder
/// before what it holds, names compared byte by byte as the system gives them. Where names hold
/// escaped characters (tabs, bytes that are not UTF-8) that differs from comparing the manifest's
/// text, so those names are compared decoded.
pub fn order(a: &str, b: &str) -> Ordering {
    if !a.contains('\\') && !b.contains('\\') {
        return manifest::path_order(a, b);
    }
    let raw = |s: &str| -> Vec<Vec<u8>> {
        s.split('/')
            .map(|c| {
                pathcode::decode_component(c)
                    .map_or_else(|| c.as_bytes().to_vec(), |n| n.as_encoded_bytes().to_vec())
            })
            .collect()
    };
    raw(a).cmp(&raw(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_with_escapes_sort_as_the_walk_sorts_them() {
        // A tab (0x09) sorts before a space (0x20) by the name's own bytes, but its escape `\t`
        // sorts after `a b` as text.
        assert!(order("a\\tb.txt", "a b").is_lt());
        assert!(order("a b/x", "a\\tb.txt").is_gt());
        assert!(order("data", "data/X-rays").is_lt());
        assert!(order("data/X-rays/z", "data/X-rays 2").is_lt());
    }
}
