//! A global allocator that counts live heap bytes and their peak, for tests that assert memory
//! bounds from the outside: it counts the whole process, so the tests that read it run alone.
//! While a [`ThisThreadOnly`] guard lives, only its thread's allocations count (a loopback server
//! on its own thread then stays out of the figures).

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

pub struct Counting;

/// Heap bytes allocated and not yet freed.
pub static LIVE: AtomicUsize = AtomicUsize::new(0);
/// The most `LIVE` has been since a test last reset it.
pub static PEAK: AtomicUsize = AtomicUsize::new(0);

/// Whether only the thread holding a [`ThisThreadOnly`] counts.
static ONE_THREAD: AtomicBool = AtomicBool::new(false);

thread_local! {
    /// This thread holds the [`ThisThreadOnly`] guard. Const, without a destructor: the allocator
    /// may read it at any time without allocating.
    static COUNTED_HERE: Cell<bool> = const { Cell::new(false) };
}

/// While it lives, only the thread that made it counts: allocations and frees on other threads
/// leave `LIVE` and `PEAK` alone. Memory allocated on one side and freed on the other would skew
/// the figures, so measure code that allocates and frees on this thread (a current-thread
/// runtime). Dropping it counts every thread again, for the tests that follow.
pub struct ThisThreadOnly(());

impl ThisThreadOnly {
    pub fn new() -> Self {
        COUNTED_HERE.with(|here| here.set(true));
        ONE_THREAD.store(true, Ordering::SeqCst);
        ThisThreadOnly(())
    }
}

impl Drop for ThisThreadOnly {
    fn drop(&mut self) {
        ONE_THREAD.store(false, Ordering::SeqCst);
        COUNTED_HERE.with(|here| here.set(false));
    }
}

fn counted() -> bool {
    !ONE_THREAD.load(Ordering::Relaxed) || COUNTED_HERE.try_with(Cell::get).unwrap_or(false)
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let pointer = unsafe { System.alloc(layout) };
        if !pointer.is_null() && counted() {
            let live = LIVE.fetch_add(layout.size(), Ordering::SeqCst) + layout.size();
            PEAK.fetch_max(live, Ordering::SeqCst);
        }
        pointer
    }

    unsafe fn realloc(&self, pointer: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let moved = unsafe { System.realloc(pointer, layout, new_size) };
        if !moved.is_null() && counted() {
            if new_size >= layout.size() {
                let live = LIVE.fetch_add(new_size - layout.size(), Ordering::SeqCst) + new_size - layout.size();
                PEAK.fetch_max(live, Ordering::SeqCst);
            } else {
                LIVE.fetch_sub(layout.size() - new_size, Ordering::SeqCst);
            }
        }
        moved
    }

    unsafe fn dealloc(&self, pointer: *mut u8, layout: Layout) {
        unsafe { System.dealloc(pointer, layout) };
        if counted() {
            LIVE.fetch_sub(layout.size(), Ordering::SeqCst);
        }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;
