//! Where a function polls for the GC. Every cycle of a function's control
//! flow must pass a poll, so that a thread spinning in a loop that neither
//! allocates nor calls a native still reaches a safe point; beyond that, a
//! poll is only a cost. Every cycle contains a backward jump (fallthrough
//! only goes forward), so the targets of backward jumps — loop heads — are
//! the candidates, and each gets one of three polls:
//!
//! - [`Poll::Counter`]: every cycle through the head steps one integer
//!   register by exactly one, in one direction (`for (i in a...b)`,
//!   `for (x in array)`: the loop's `incr`), and nothing else in those
//!   cycles writes it. The head compares the register's low 16 bits with
//!   all ones, one register-only compare and branch, and calls the safe
//!   point (which reads the stop flag) when they match (not when they are
//!   zero, which a loop entered at 0 would hit on every entry): at least
//!   once every 65,536 returns,
//!   with no memory access and no register kept for the flag's address.
//!   Only for loops whose calls all return soon: natives, the runtime's own
//!   helpers, leaves, and in an executable functions without loops that run
//!   at most [`QUICK_CALL_OPS`] ops, their callees' included
//!   ([`quick_call_ops`]). Any other call may take long without polling
//!   (recursion does not poll), and 65,536 of them would hold up a collection. An
//!   inner loop's counter is reset by the outer loop, so its cycles through
//!   an outer head that is itself a `Counter` (by this rule over all its
//!   cycles) are left out: a run that keeps going round the outer loop polls
//!   there. Otherwise an inner loop still counts over the cycles that avoid
//!   the other heads when those heads poll (a `Flag`, which is kept unless
//!   other flag polls catch all its cycles, or a `Counter`): a run that keeps
//!   going round an outer loop polls there, one that stays inside steps the
//!   counter.
//! - [`Poll::Flag`]: a load of the collector's stop flag and a branch.
//! - [`Poll::None`]: every path from the head back to itself passes another
//!   head with a `Flag` poll. An outer loop whose every iteration enters an
//!   inner loop (`while (...) { while (...) {} }`) leaves the poll to the inner
//!   loop. Outer heads are looked at first, so inner loops keep theirs. (A
//!   `Counter` head does not count here: an inner counter restarts with each
//!   outer iteration and may never reach a multiple of 65,536.)
//!
//! Any run that loops forever visits some set of ops forever, and a cycle in
//! it passes a `Flag` poll or a `Counter` head; returning to a `Counter` head
//! steps its register by one each time, so it polls too.

use super::function::jump_targets;
use hlbc::opcodes::Op;
use hlbc::Reg;

/// Libraries whose natives start no thread that runs program code, but for
/// `std@thread_create`: the runtime's own.
const LIBRARIES_WITHOUT_THREADS: &[&str] = &["std", "fmt", "ssl", "sqlite"];

/// Whether an executable of module `m` needs loop polls at all. A poll
/// lets a collection that another thread started stop this one; a program
/// that never has a second thread running its code never waits for one.
/// Such a program calls neither `std@thread_create` nor any native of a
/// library other than the runtime's own (SDL, libuv or any C library may
/// start threads that call back into the program, registered with
/// `hl_thread_start` or `hl_register_thread`). A library for a host, and
/// `hlc run` (plugins, `.hdll`s), keep their polls: the host or a plugin
/// may call into the program from several threads.
pub fn needed_by_executable(m: &hlbc::Module) -> bool {
    m.natives.iter().any(|n| {
        let lib = m.str(n.lib);
        !LIBRARIES_WITHOUT_THREADS.contains(&&*lib) || (lib == "std" && m.str(n.name) == "thread_create")
    })
}

/// Above this many (loop head × op) steps the analysis is skipped and every
/// loop head gets a `Flag` poll: a pathological function still compiles in
/// bounded time.
const BUDGET: usize = 50_000_000;

/// The poll at the start of an op's block.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Poll {
    None,
    Flag,
    Counter(Reg),
}

/// What the analysis needs to know of the function's module.
pub struct Facts<'a> {
    /// Registers that may serve as a `Counter` (32- or 64-bit integers).
    pub counter_ok: &'a dyn Fn(Reg) -> bool,
    /// Ops that may run HL code (calls of functions, methods and closures;
    /// not of natives or leaves, which cannot loop or call).
    pub runs_code: &'a dyn Fn(&Op) -> bool,
}

/// For each op index (and the end, `ops.len()`), the poll at the start of
/// its block.
pub fn poll_points(ops: &[Op], facts: &Facts) -> Vec<Poll> {
    let n = ops.len();
    let mut succ: Vec<Vec<usize>> = vec![Vec::new(); n + 1];
    let mut pred: Vec<Vec<usize>> = vec![Vec::new(); n + 1];
    let mut head = vec![false; n + 1];
    let mut targets = Vec::new();
    for (i, op) in ops.iter().enumerate() {
        targets.clear();
        jump_targets(op, i, &mut targets);
        // A trap's handler counts as reached from the `OTrap` itself: a path
        // that skips the protected ops is a superset of the real ones, so
        // this can only keep more polls, never drop one that is needed.
        if !matches!(op, Op::Ret { .. } | Op::Throw { .. } | Op::Rethrow { .. } | Op::JAlways { .. }) {
            targets.push(i + 1);
        }
        for &t in &targets {
            if t <= n {
                succ[i].push(t);
                pred[t].push(i);
                head[t] |= t <= i;
            }
        }
    }
    let heads: Vec<usize> = (0..=n).filter(|&h| head[h]).collect();
    let mut polls: Vec<Poll> = head.iter().map(|&h| if h { Poll::Flag } else { Poll::None }).collect();
    if heads.len().saturating_mul(n + 1).saturating_mul(4) > BUDGET {
        return polls;
    }
    let address_taken: Vec<Reg> = ops.iter().filter_map(|op| if let Op::Ref { src, .. } = op { Some(*src) } else { None }).collect();
    let mut walk = Walk { seen: vec![false; n + 1], stack: Vec::new() };
    // First over all cycles; then, for the other heads, over the cycles that
    // avoid the first ones (whose polls catch a run that goes through them).
    let mut strict = vec![false; n + 1];
    for pass in 0..2 {
        for &h in &heads {
            if polls[h] != Poll::Flag {
                continue;
            }
            let blocked = |i: usize| pass == 1 && strict[i];
            let cycle = walk.cycle_through(h, &succ, &pred, &blocked);
            if let Some(r) = counter(ops, h, &cycle, &succ, facts, &address_taken) {
                polls[h] = Poll::Counter(r);
                strict[h] = pass == 0;
            }
        }
    }
    // Then an inner loop whose counter the outer loops reset: it counts over
    // the cycles that avoid the other heads, whose own polls catch a run that
    // keeps going through them (a flag poll is dropped below only where
    // other flag polls catch every cycle through it).
    for &h in &heads {
        if polls[h] != Poll::Flag {
            continue;
        }
        let all = walk.cycle_through(h, &succ, &pred, &|_| false);
        let others: Vec<usize> = heads.iter().copied().filter(|&o| o != h && all[o] && polls[o] != Poll::None).collect();
        if others.is_empty() {
            continue;
        }
        let cycle = walk.cycle_through(h, &succ, &pred, &|i| i != h && others.contains(&i));
        if let Some(r) = counter(ops, h, &cycle, &succ, facts, &address_taken) {
            polls[h] = Poll::Counter(r);
        }
    }
    for &h in &heads {
        if polls[h] == Poll::Flag && !walk.returns_without_flag(h, &succ, &polls) {
            polls[h] = Poll::None;
        }
    }
    polls
}

/// Calls whose callee the bytecode does not name (methods through the
/// object's table, closures): any code may run.
pub fn calls_unknown_code(op: &Op) -> bool {
    matches!(op, Op::CallMethod { .. } | Op::CallThis { .. } | Op::CallClosure { .. })
}

/// The most ops one call may run, its callees' included, and still count
/// as quick for a caller's [`Poll::Counter`]: 65,536 calls between two
/// polls then run at most about 65 million ops.
pub const QUICK_CALL_OPS: usize = 1000;

/// The most ops one call of a function with `ops` runs, its callees'
/// included (`callee_ops` says how many an op that may run HL code runs;
/// `None`: unbounded), if it has no loop and that is at most
/// [`QUICK_CALL_OPS`]: such a call returns soon, so a loop that makes it may
/// still count (`Poll::Counter`). What runs on a path that can only end in a
/// throw is not counted: a thrown value is made (and allocated, a safe point)
/// on it, and the throw leaves the function. A function with a trap counts
/// every op, as a throw in it may be caught.
pub fn quick_call_ops(ops: &[Op], callee_ops: &mut dyn FnMut(&Op) -> Option<usize>) -> Option<usize> {
    let n = ops.len();
    let mut targets = Vec::new();
    // `throws[i]`: every path from op `i` ends in a throw. Without backward
    // jumps every successor comes later, so one backward sweep decides it.
    let trapped = ops.iter().any(|op| matches!(op, Op::Trap { .. }));
    let mut throws = vec![false; n + 1];
    for i in (0..n).rev() {
        let op = &ops[i];
        targets.clear();
        jump_targets(op, i, &mut targets);
        if targets.iter().any(|&t| t <= i) {
            return None;
        }
        throws[i] = match op {
            Op::Throw { .. } | Op::Rethrow { .. } => !trapped,
            Op::Ret { .. } => false,
            Op::JAlways { .. } => targets.iter().all(|&t| t < n && throws[t]),
            _ => targets.iter().chain([&(i + 1)]).all(|&t| t < n && throws[t]),
        };
    }
    let mut total = n;
    for (op, &throws) in ops.iter().zip(&throws) {
        if !throws {
            total = total.checked_add(callee_ops(op)?)?;
        }
    }
    (total <= QUICK_CALL_OPS).then_some(total)
}

struct Walk {
    seen: Vec<bool>,
    stack: Vec<usize>,
}

impl Walk {
    /// Ops reachable from `from`'s successors along `edges` without passing
    /// `from` or a `blocked` op.
    fn reach(&mut self, from: usize, edges: &[Vec<usize>], blocked: &dyn Fn(usize) -> bool) -> Vec<bool> {
        self.seen.iter_mut().for_each(|s| *s = false);
        self.stack.clear();
        self.stack.extend_from_slice(&edges[from]);
        while let Some(i) = self.stack.pop() {
            if i == from || self.seen[i] || blocked(i) {
                continue;
            }
            self.seen[i] = true;
            self.stack.extend_from_slice(&edges[i]);
        }
        self.seen.clone()
    }

    /// The ops on some cycle through `h` (`h` included) that passes no
    /// `blocked` op.
    fn cycle_through(&mut self, h: usize, succ: &[Vec<usize>], pred: &[Vec<usize>], blocked: &dyn Fn(usize) -> bool) -> Vec<bool> {
        let fwd = self.reach(h, succ, blocked);
        let mut both = self.reach(h, pred, blocked);
        for (b, f) in both.iter_mut().zip(fwd) {
            *b &= f;
        }
        both[h] = true;
        both
    }

    /// Whether some path from `h` returns to `h` without passing another
    /// head with a `Flag` poll.
    fn returns_without_flag(&mut self, h: usize, succ: &[Vec<usize>], polls: &[Poll]) -> bool {
        self.seen.iter_mut().for_each(|s| *s = false);
        self.stack.clear();
        self.stack.extend_from_slice(&succ[h]);
        while let Some(i) = self.stack.pop() {
            if i == h {
                return true;
            }
            if self.seen[i] || polls[i] == Poll::Flag {
                continue;
            }
            self.seen[i] = true;
            self.stack.extend_from_slice(&succ[i]);
        }
        false
    }
}

/// A register that every cycle through `h` (the ops in `cycle`) steps by
/// exactly one, in one direction, that nothing else in those cycles writes
/// and whose address is never taken; none if those cycles call HL code.
fn counter(
    ops: &[Op],
    h: usize,
    cycle: &[bool],
    succ: &[Vec<usize>],
    facts: &Facts,
    address_taken: &[Reg],
) -> Option<Reg> {
    let in_cycle = |i: usize| i < ops.len() && cycle[i];
    // An exception can leave the protected ops at any point, which the
    // single edge from `OTrap` to its handler does not model.
    if (0..ops.len()).any(|i| in_cycle(i) && (matches!(ops[i], Op::Trap { .. }) || (facts.runs_code)(&ops[i]))) {
        return None;
    }
    let mut candidates: Vec<Reg> = (0..ops.len())
        .filter(|&i| in_cycle(i))
        .filter_map(|i| match ops[i] {
            Op::Incr { dst } | Op::Decr { dst } => Some(dst),
            _ => None,
        })
        .collect();
    candidates.sort_by_key(|r| r.0);
    candidates.dedup();
    'candidates: for r in candidates {
        if !(facts.counter_ok)(r) || address_taken.contains(&r) {
            continue;
        }
        // Every write of `r` in the cycle is the same step.
        let mut step = None;
        for i in (0..ops.len()).filter(|&i| in_cycle(i)) {
            if ops[i].written() == Some(r) {
                let s = match ops[i] {
                    Op::Incr { .. } => 1,
                    Op::Decr { .. } => -1,
                    _ => continue 'candidates,
                };
                if step.is_some_and(|t| t != s) {
                    continue 'candidates;
                }
                step = Some(s);
            }
        }
        // Steps taken since `h`, at the entry of each op: 0 or 1, the same
        // along every path, and 1 when a path returns to `h`.
        let mut level: Vec<Option<u8>> = vec![None; ops.len() + 1];
        level[h] = Some(0);
        let mut stack = vec![h];
        while let Some(i) = stack.pop() {
            let mut out = level[i].unwrap_or(0);
            if i < ops.len() && ops[i].written() == Some(r) {
                out += 1;
                if out > 1 {
                    continue 'candidates;
                }
            }
            for &s in &succ[i] {
                if s == h {
                    if out != 1 {
                        continue 'candidates;
                    }
                } else if s <= ops.len() && cycle[s] {
                    match level[s] {
                        None => {
                            level[s] = Some(out);
                            stack.push(s);
                        }
                        Some(l) if l != out => continue 'candidates,
                        Some(_) => {}
                    }
                }
            }
        }
        return Some(r);
    }
    None
}


#[cfg(test)]
mod tests {
    use super::{poll_points, Facts, Poll};
    use hlbc::opcodes::{Jump, Op};
    use hlbc::Reg;

    fn polls(ops: &[Op]) -> Vec<(usize, Poll)> {
        let facts = Facts { counter_ok: &|r| r.0 != 9, runs_code: &|op| matches!(op, Op::CallClosure { .. }) };
        poll_points(ops, &facts).into_iter().enumerate().filter(|(_, p)| *p != Poll::None).collect()
    }

    /// `label; jsgte a,b -> exit; body; jalways label`.
    fn looped(a: u32, body: Vec<Op>) -> Vec<Op> {
        let n = body.len() as i32;
        let mut ops = vec![Op::Label {}, Op::JSGte { a: Reg(a), b: Reg(2), offset: Jump(n + 1) }];
        ops.extend(body);
        ops.push(Op::JAlways { offset: Jump(-(n + 3)) });
        ops
    }

    fn ret() -> Op {
        Op::Ret { src: Reg(0) }
    }

    fn call_ops(op: &Op) -> Option<usize> {
        match op {
            Op::Call0 { .. } => Some(10),
            Op::CallClosure { .. } => None,
            _ => Some(0),
        }
    }

    #[test]
    fn a_call_without_loops_is_quick_and_counts_its_callees() {
        let ops = vec![Op::Call0 { dst: Reg(0), fun: hlbc::FunIdx(1) }, Op::Call0 { dst: Reg(0), fun: hlbc::FunIdx(1) }, ret()];
        assert_eq!(super::quick_call_ops(&ops, &mut call_ops), Some(23));
    }

    #[test]
    fn a_call_that_loops_or_runs_unknown_code_is_not_quick() {
        let looping = looped(1, vec![Op::Incr { dst: Reg(1) }]);
        assert_eq!(super::quick_call_ops(&looping, &mut call_ops), None);
        let dynamic = vec![Op::CallClosure { dst: Reg(0), fun: Reg(1), args: Default::default() }, ret()];
        assert_eq!(super::quick_call_ops(&dynamic, &mut call_ops), None);
        let big = vec![Op::Call0 { dst: Reg(0), fun: hlbc::FunIdx(1) }; super::QUICK_CALL_OPS / 10 + 1];
        assert_eq!(super::quick_call_ops(&big, &mut call_ops), None);
    }

    #[test]
    fn what_runs_only_on_the_way_to_a_throw_is_not_counted_unless_a_trap_may_catch_it() {
        // if (r1 >= r2) { closure call; throw } ret
        let mut ops = vec![
            Op::JSLt { a: Reg(1), b: Reg(2), offset: Jump(2) },
            Op::CallClosure { dst: Reg(0), fun: Reg(1), args: Default::default() },
            Op::Throw { exc: Reg(0) },
            ret(),
        ];
        assert_eq!(super::quick_call_ops(&ops, &mut call_ops), Some(4));
        ops.insert(0, Op::Trap { exc: Reg(3), offset: Jump(4) });
        assert_eq!(super::quick_call_ops(&ops, &mut call_ops), None);
    }

    #[test]
    fn a_loop_that_steps_a_register_once_per_iteration_tests_its_low_bits() {
        let mut ops = looped(1, vec![Op::Incr { dst: Reg(1) }]);
        ops.push(ret());
        assert_eq!(polls(&ops), [(0, Poll::Counter(Reg(1)))]);
        // Stepping down works as well.
        let mut ops = looped(1, vec![Op::Decr { dst: Reg(1) }]);
        ops.push(ret());
        assert_eq!(polls(&ops), [(0, Poll::Counter(Reg(1)))]);
    }

    #[test]
    fn loops_that_do_not_step_a_register_exactly_once_load_the_flag() {
        // No step at all: a spin loop.
        let mut ops = looped(1, vec![Op::Nop {}]);
        ops.push(ret());
        assert_eq!(polls(&ops), [(0, Poll::Flag)]);
        // A step on one path only (op 2 may jump over it).
        let mut ops = looped(1, vec![Op::JTrue { cond: Reg(4), offset: Jump(1) }, Op::Incr { dst: Reg(1) }]);
        ops.push(ret());
        assert_eq!(polls(&ops), [(0, Poll::Flag)]);
        // Two steps per iteration: the low bits may skip zero.
        let mut ops = looped(1, vec![Op::Incr { dst: Reg(1) }, Op::Incr { dst: Reg(1) }]);
        ops.push(ret());
        assert_eq!(polls(&ops), [(0, Poll::Flag)]);
        // Up on one path and down on another.
        let body = vec![
            Op::JTrue { cond: Reg(4), offset: Jump(2) },
            Op::Incr { dst: Reg(1) },
            Op::JAlways { offset: Jump(1) },
            Op::Decr { dst: Reg(1) },
        ];
        let mut ops = looped(1, body);
        ops.push(ret());
        assert_eq!(polls(&ops), [(0, Poll::Flag)]);
        // Another write of the register in the loop.
        let mut ops = looped(1, vec![Op::Incr { dst: Reg(1) }, Op::Mov { dst: Reg(1), src: Reg(3) }]);
        ops.push(ret());
        assert_eq!(polls(&ops), [(0, Poll::Flag)]);
        // A register whose address is taken, or of another type.
        let mut ops = looped(1, vec![Op::Incr { dst: Reg(1) }]);
        ops.push(Op::Ref { dst: Reg(5), src: Reg(1) });
        ops.push(ret());
        assert_eq!(polls(&ops), [(0, Poll::Flag)]);
        let mut ops = looped(9, vec![Op::Incr { dst: Reg(9) }]);
        ops.push(ret());
        assert_eq!(polls(&ops), [(0, Poll::Flag)]);
        // A loop that calls HL code (which may take long without polling).
        let call = Op::CallClosure { dst: Reg(5), fun: Reg(6), args: Default::default() };
        let mut ops = looped(1, vec![call, Op::Incr { dst: Reg(1) }]);
        ops.push(ret());
        assert_eq!(polls(&ops), [(0, Poll::Flag)]);
    }

    #[test]
    fn an_outer_loop_that_always_enters_an_inner_loop_leaves_the_poll_to_it() {
        let mut ops = vec![Op::Label {}, Op::JFalse { cond: Reg(4), offset: Jump(5) }];
        ops.extend(looped(3, vec![Op::Nop {}])); // ops 2..=5: a spin loop
        ops.push(Op::JAlways { offset: Jump(-7) }); // 6 -> 0
        ops.push(ret()); // 7
        assert_eq!(polls(&ops), [(2, Poll::Flag)]);
    }

    #[test]
    fn an_outer_loop_keeps_its_poll_if_it_can_skip_its_inner_loop() {
        let mut ops = vec![Op::Label {}, Op::JFalse { cond: Reg(4), offset: Jump(6) }];
        ops.push(Op::JTrue { cond: Reg(4), offset: Jump(4) }); // 2 -> 7, past the inner loop
        ops.extend(looped(3, vec![Op::Nop {}])); // ops 3..=6
        ops.push(Op::JAlways { offset: Jump(-8) }); // 7 -> 0
        ops.push(ret()); // 8
        assert_eq!(polls(&ops), [(0, Poll::Flag), (3, Poll::Flag)]);
        // An inner counter that a non-counting outer loop resets counts only
        // over its own cycles (the outer loop may keep it below 65,536): the
        // outer loop keeps its flag poll, which catches a run that goes round it.
        let mut ops = vec![Op::Label {}, Op::JFalse { cond: Reg(4), offset: Jump(6) }];
        ops.push(Op::Int { dst: Reg(3), value: hlbc::IntIdx(0) }); // 2
        ops.extend(looped(3, vec![Op::Incr { dst: Reg(3) }])); // ops 3..=6
        ops.push(Op::JAlways { offset: Jump(-8) }); // 7 -> 0
        ops.push(ret()); // 8
        assert_eq!(polls(&ops), [(0, Poll::Flag), (3, Poll::Counter(Reg(3)))]);
        // Not when the inner loop calls HL code: then its flag poll serves both.
        let call = Op::CallClosure { dst: Reg(5), fun: Reg(6), args: Default::default() };
        let mut ops = vec![Op::Label {}, Op::JFalse { cond: Reg(4), offset: Jump(7) }];
        ops.push(Op::Int { dst: Reg(3), value: hlbc::IntIdx(0) }); // 2
        ops.extend(looped(3, vec![call, Op::Incr { dst: Reg(3) }])); // ops 3..=7
        ops.push(Op::JAlways { offset: Jump(-9) }); // 8 -> 0
        ops.push(ret()); // 9
        assert_eq!(polls(&ops), [(3, Poll::Flag)]);
    }

    #[test]
    fn an_inner_counter_reset_by_a_counting_outer_loop_still_counts() {
        // for (i ...) { j = i; for (j ...) {} i++ }: the outer path resets j.
        let mut ops = vec![Op::Label {}, Op::JSGte { a: Reg(1), b: Reg(2), offset: Jump(7) }];
        ops.push(Op::Mov { dst: Reg(3), src: Reg(1) }); // 2
        ops.extend(looped(3, vec![Op::Incr { dst: Reg(3) }])); // ops 3..=6
        ops.push(Op::Incr { dst: Reg(1) }); // 7
        ops.push(Op::JAlways { offset: Jump(-9) }); // 8 -> 0
        ops.push(ret()); // 9
        assert_eq!(polls(&ops), [(0, Poll::Counter(Reg(1))), (3, Poll::Counter(Reg(3)))]);
        // When the outer loop does not count, the inner loop counts over its
        // own cycles and the outer loop loads the flag.
        ops[7] = Op::Nop {};
        assert_eq!(polls(&ops), [(0, Poll::Flag), (3, Poll::Counter(Reg(3)))]);
    }
}
