package dev.gearman.server.engine;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.netty.channel.DefaultEventLoop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The engine loop running on a Netty event loop: commands from the event loop's own thread run at once, commands
 * a command submits run after it, the batch hooks run once after a batch, and timers run and cancel.
 */
class EventLoopEngineTests {

	private final DefaultEventLoop eventLoop = new DefaultEventLoop();

	private final EngineLoop loop = new EngineLoop(this.eventLoop);

	@AfterEach
	void stop() {
		this.loop.shutdown(1000);
		this.eventLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
	}

	@Test
	void commandFromTheEventLoopShouldRunAtOnceAndItsOwnSubmissionsAfterIt() throws Exception {
		List<String> order = Collections.synchronizedList(new ArrayList<>());
		CountDownLatch done = new CountDownLatch(1);
		this.loop.addBatchHook(() -> order.add("hook"));
		settle();
		order.clear();
		this.eventLoop.submit(() -> {
			this.loop.execute(() -> {
				order.add("first");
				this.loop.execute(() -> order.add("nested"));
				order.add("first-end");
			});
			order.add("after-first");
			this.loop.execute(() -> order.add("second"));
			this.eventLoop.execute(done::countDown);
		}).sync();
		assertThat(done.await(3, TimeUnit.SECONDS)).isTrue();
		this.eventLoop.submit(() -> { }).sync();
		assertThat(order).containsExactly("first", "first-end", "after-first", "second", "nested", "hook");
		assertThat(this.loop.inLoop()).isFalse();
		assertThat(this.eventLoop.submit(this.loop::inLoop).get()).isTrue();
	}

	@Test
	void commandFromAnotherThreadShouldRunOnTheEventLoopFollowedByTheHooks() throws Exception {
		CountDownLatch hooked = new CountDownLatch(1);
		boolean[] ranOnLoop = new boolean[1];
		// the hook may also follow the batch that registered it; only a hook after the command counts
		this.loop.addBatchHook(() -> {
			if (ranOnLoop[0]) {
				hooked.countDown();
			}
		});
		this.loop.execute(() -> ranOnLoop[0] = this.eventLoop.inEventLoop());
		assertThat(hooked.await(3, TimeUnit.SECONDS)).as("a hook after the command, which ran on the loop").isTrue();
	}

	@Test
	void failingCommandShouldBeCountedAndTheLoopShouldContinue() throws Exception {
		CountDownLatch after = new CountDownLatch(1);
		this.loop.execute(() -> {
			throw new IllegalStateException("expected by the test");
		});
		this.loop.execute(after::countDown);
		assertThat(after.await(3, TimeUnit.SECONDS)).isTrue();
		assertThat(this.eventLoop.submit(this.loop::failures).get()).isEqualTo(1);
	}

	@Test
	void timersShouldRunAfterTheirDelayFollowedByTheHooksAndCancelledOnesNever() throws Exception {
		CountDownLatch fired = new CountDownLatch(1);
		AtomicInteger hooks = new AtomicInteger();
		boolean[] cancelledRan = new boolean[1];
		long[] elapsed = new long[1];
		this.loop.addBatchHook(hooks::incrementAndGet);
		this.loop.execute(() -> {
			long start = System.nanoTime();
			EngineLoop.Timeout cancelled = this.loop.schedule(50, () -> cancelledRan[0] = true);
			this.loop.schedule(100, () -> {
				elapsed[0] = System.nanoTime() - start;
				fired.countDown();
			});
			cancelled.cancel();
		});
		settle();
		int beforeTimer = hooks.get();
		assertThat(fired.await(3, TimeUnit.SECONDS)).isTrue();
		settle();
		assertThat(hooks.get()).isEqualTo(beforeTimer + 1);
		assertThat(TimeUnit.NANOSECONDS.toMillis(elapsed[0])).isGreaterThanOrEqualTo(95);
		assertThat(cancelledRan[0]).isFalse();
	}

	@Test
	void shutdownShouldWaitForQueuedCommandsAndSucceedOnAStoppedEventLoop() throws Exception {
		CountDownLatch ran = new CountDownLatch(1);
		this.loop.execute(ran::countDown);
		assertThat(this.loop.shutdown(3000)).isTrue();
		assertThat(ran.getCount()).isZero();
		EngineLoop other = new EngineLoop(this.eventLoop);
		this.eventLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
		assertThat(other.shutdown(1000)).isTrue();
	}

	/** Lets the event loop run what is queued, including the hooks queued behind it. */
	private void settle() throws InterruptedException {
		this.eventLoop.submit(() -> { }).sync();
		this.eventLoop.submit(() -> { }).sync();
	}

}
