import sys.thread.Thread;
import sys.thread.Lock;
import sys.thread.Mutex;
import sys.thread.FixedThreadPool;
import sys.thread.ElasticThreadPool;

private typedef Cond = hl.Abstract<"hl_condition">;
private typedef Sem = hl.Abstract<"hl_semaphore">;

// Haxe 4.2.5's std does not wrap HashLink's condition, semaphore and atomic
// natives yet: bind them directly.
@:hlNative("std")
private class N {
	public static function condition_alloc():Cond return null;
	public static function condition_acquire(c:Cond):Void {}
	public static function condition_try_acquire(c:Cond):Bool return false;
	public static function condition_release(c:Cond):Void {}
	public static function condition_wait(c:Cond):Void {}
	public static function condition_timed_wait(c:Cond, t:Float):Bool return false;
	public static function condition_signal(c:Cond):Void {}
	public static function condition_broadcast(c:Cond):Void {}
	public static function semaphore_alloc(v:Int):Sem return null;
	public static function semaphore_acquire(s:Sem):Void {}
	public static function semaphore_try_acquire(s:Sem, ?timeout:Float):Bool return false;
	public static function semaphore_release(s:Sem):Void {}
	public static function atomic_add32(a:hl.Ref<Int>, b:Int):Int return 0;
	public static function atomic_sub32(a:hl.Ref<Int>, b:Int):Int return 0;
	public static function atomic_and32(a:hl.Ref<Int>, b:Int):Int return 0;
	public static function atomic_or32(a:hl.Ref<Int>, b:Int):Int return 0;
	public static function atomic_xor32(a:hl.Ref<Int>, b:Int):Int return 0;
	public static function atomic_compare_exchange32(a:hl.Ref<Int>, e:Int, r:Int):Int return 0;
	public static function atomic_exchange32(a:hl.Ref<Int>, r:Int):Int return 0;
	public static function atomic_load32(a:hl.Ref<Int>):Int return 0;
	public static function atomic_store32(a:hl.Ref<Int>, v:Int):Int return 0;
}

class Main {
	static function fib(n:Int):Int
		return n < 2 ? n : fib(n - 1) + fib(n - 2);

	static function main() {
		conditionQueue();
		semaphores();
		atomics();
		fixedPool();
		elasticPool();
		eventLoop();
	}

	// A bounded producer/consumer queue on a Condition.
	static function conditionQueue() {
		var c = N.condition_alloc();
		var items:Array<Int> = [];
		var finished = false;
		var consumed = 0;
		var sum = 0;
		var done = new Lock();
		for (w in 0...3) {
			Thread.create(function() {
				N.condition_acquire(c);
				while (true) {
					while (items.length == 0 && !finished)
						N.condition_wait(c);
					if (items.length == 0)
						break;
					var v = items.shift();
					consumed++;
					sum += v;
					N.condition_broadcast(c);
				}
				N.condition_release(c);
				done.release();
			});
		}
		for (i in 1...201) {
			N.condition_acquire(c);
			while (items.length >= 5)
				N.condition_wait(c);
			items.push(i);
			N.condition_signal(c);
			N.condition_release(c);
		}
		N.condition_acquire(c);
		finished = true;
		N.condition_broadcast(c);
		N.condition_release(c);
		for (w in 0...3)
			done.wait();
		trace("condition: consumed " + consumed + " sum " + sum);
		N.condition_acquire(c);
		trace("timed wait without signal: " + N.condition_timed_wait(c, 0.02));
		trace("recursive try: " + N.condition_try_acquire(c));
		N.condition_release(c);
		N.condition_release(c);
	}

	static function semaphores() {
		var s = N.semaphore_alloc(2);
		trace("sem: " + N.semaphore_try_acquire(s) + " " + N.semaphore_try_acquire(s) + " " + N.semaphore_try_acquire(s));
		trace("sem timed: " + N.semaphore_try_acquire(s, 0.02));
		// Ping-pong between two threads with two semaphores.
		var ping = N.semaphore_alloc(0);
		var pong = N.semaphore_alloc(0);
		var log = [];
		Thread.create(function() {
			for (i in 0...5) {
				N.semaphore_acquire(ping);
				log.push("pong" + i);
				N.semaphore_release(pong);
			}
		});
		for (i in 0...5) {
			log.push("ping" + i);
			N.semaphore_release(ping);
			N.semaphore_acquire(pong);
		}
		trace(log.join(" "));
		N.semaphore_release(s);
		trace("sem after release: " + N.semaphore_try_acquire(s, 1.0));
	}

	static function atomics() {
		var a = 10;
		var r = [];
		r.push(N.atomic_add32(a, 5));
		r.push(N.atomic_sub32(a, 3));
		r.push(N.atomic_and32(a, 6));
		r.push(N.atomic_or32(a, 9));
		r.push(N.atomic_xor32(a, 3));
		r.push(N.atomic_compare_exchange32(a, 12, 100));
		r.push(N.atomic_compare_exchange32(a, 1, 200));
		r.push(N.atomic_exchange32(a, 7));
		r.push(N.atomic_load32(a));
		r.push(N.atomic_store32(a, 33));
		r.push(a);
		trace("atomics: " + r.join(","));
	}

	static function fixedPool() {
		var pool = new FixedThreadPool(3);
		trace("fixed pool threads: " + pool.threadsCount);
		var m = new Mutex();
		var results = [for (i in 0...20) 0];
		var done = new Lock();
		for (i in 0...20) {
			pool.run(function() {
				var v = fib(10 + i % 8);
				m.acquire();
				results[i] = v;
				m.release();
				done.release();
			});
		}
		for (i in 0...20)
			done.wait();
		trace("fixed pool results: " + results.join(","));
		pool.shutdown();
		trace("fixed pool shut down: " + pool.isShutdown);
		try {
			pool.run(function() {});
		} catch (e:sys.thread.ThreadPoolException) {
			trace("run after shutdown: " + e.message);
		}
	}

	static function elasticPool() {
		var pool = new ElasticThreadPool(4, 0.5);
		var m = new Mutex();
		var total = 0;
		var done = new Lock();
		for (i in 0...30) {
			pool.run(function() {
				var v = fib(8 + i % 5);
				m.acquire();
				total += v;
				m.release();
				done.release();
			});
		}
		for (i in 0...30)
			done.wait();
		trace("elastic pool total " + total + ", at most " + pool.maxThreadsCount + " threads: " + (pool.threadsCount <= 4));
		pool.shutdown();
		trace("elastic pool shut down: " + pool.isShutdown);
	}

	static function eventLoop() {
		// Events sent to a thread's loop, run in order on that thread.
		var log = [];
		var done = new Lock();
		var t = Thread.createWithEventLoop(function() {
			log.push("start");
			// Keeps the thread's loop alive until the last event arrives.
			Thread.current().events.promise();
		});
		for (i in 0...5)
			t.events.run(function() log.push("event" + i));
		t.events.runPromised(function() done.release());
		done.wait();
		trace("thread loop: " + log.join(","));

		// The main thread's loop: promised events and a repeating timer.
		var main = Thread.current();
		var order = [];
		main.events.promise();
		Thread.create(function() {
			main.events.runPromised(function() order.push("promised"));
		});
		var count = 0;
		var h = null;
		h = main.events.repeat(function() {
			count++;
			if (count == 3) {
				order.push("repeat x3");
				main.events.cancel(h);
			}
		}, 5);
		main.events.loop();
		order.sort(Reflect.compare);
		trace("main loop: " + order.join(","));
	}
}
