//! A manifest read in step with something else in path order (the walk of `latest`, another
//! manifest): never held in memory whole.

use super::super::manifest::{self, Entry, Reader};

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

    /// The entry at `key`. Keys must be asked for in path order: entries before `key` are passed
    /// over for good. A manifest that turns out damaged stops everything (an entry missed would
    /// look like a file to remove).
    pub fn find(&mut self, key: &str) -> Result<Option<&Entry>, String> {
        while self.next.as_ref().is_some_and(|e| manifest::path_order(&e.path, key).is_lt()) {
            self.advance()?;
        }
        Ok(self.next.as_ref().filter(|e| e.path == key))
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
