//! The brand (BIN) table shared by the validation exports and every mounted form, so that
//! `setBinTable` applies to both. A leaf: the exports and the forms read it here instead of
//! reaching into each other.

use std::cell::RefCell;

use card_core::{BinTable, BinTableError, BrandSpec, TableMode};

thread_local! {
    /// The table in use; `apply` swaps it whole or not at all.
    static TABLE: RefCell<BinTable> = RefCell::new(BinTable::default());
}

/// Runs `f` with the current brand table.
pub fn with_table<R>(f: impl FnOnce(&BinTable) -> R) -> R {
    TABLE.with(|table| f(&table.borrow()))
}

/// Extends or replaces the table with `specs` (`setBinTable`); on an error the table is
/// unchanged and `error` makes what the caller returns. The error is mapped here, inside the
/// thread-local access, rather than by the caller: that is about 60 bytes less WebAssembly.
pub fn apply<E>(
    specs: &[BrandSpec],
    mode: TableMode,
    error: impl FnOnce(BinTableError) -> E,
) -> Result<(), E> {
    TABLE.with(|current| {
        let next = current.borrow().apply(specs, mode).map_err(error)?;
        *current.borrow_mut() = next;
        Ok(())
    })
}
