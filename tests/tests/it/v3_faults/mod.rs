//! v3 under faults (issue 23): each module stages one kind of bad day against
//! fakes on 127.0.0.1 and checks the promise `docs/reliability.md` makes about it.

mod common;

mod batches;
mod keys;
mod replies;
mod secrets;
mod uploads;
mod waiters;
mod webhooks;
