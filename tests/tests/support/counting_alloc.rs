//! A global allocator that counts live heap bytes and their peak, for tests that assert memory
//! bounds from the outside. Each test binary that includes this module measures its own heap;
//! after [`count_only_this_thread`], only the calling thread's allocations count (a loopback
//! server on its own thread then stays out of the figures).

#![allow(dead_code)] // each test binary uses part of it

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

pub struct Counting;

/// Heap bytes allocated and not yet freed.
pub static LIVE: AtomicUsize = AtomicUsize::new(0);
/// The most `LIVE` has been since a test last reset it.
pub static PEAK: AtomicUsize = AtomicUsize::new(0);

/// Whether only the threads that called [`count_only_this_thread`] count.
static SOME_THREADS: AtomicBool = AtomicBool::new(false);

thread_local! {
    /// This thread called [`count_only_this_thread`]. Const, without a destructor: the allocator
    /// may read it at any time without allocating.
    static COUNTED_HERE: Cell<bool> = const { Cell::new(false) };
}

/// From now on only this thread's allocations count (and those of other threads that call it).
/// Memory one thread allocates and another frees would skew the figures: measure code that
/// allocates and frees on one thread (a current-thread runtime).
pub fn count_only_this_thread() {
    COUNTED_HERE.with(|here| here.set(true));
    SOME_THREADS.store(true, Ordering::SeqCst);
}

fn counted() -> bool {
    !SOME_THREADS.load(Ordering::Relaxed) || COUNTED_HERE.try_with(Cell::get).unwrap_or(false)
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
