package dev.gearman.server.engine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import dev.gearman.protocol.PacketType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The engine's single thread: failures do not stop it, timers run on it and can be cancelled.
 */
class EngineLoopTests extends EngineTestSupport {

	private final List<EngineLoop> loops = new ArrayList<>();

	@AfterEach
	void stopLoops() {
		for (EngineLoop loop : this.loops) {
			loop.shutdown(1000);
		}
	}

	private EngineLoop newLoop() {
		EngineLoop loop = new EngineLoop("test-loop");
		this.loops.add(loop);
		return loop;
	}

	@Test
	void commandThatThrowsShouldNotStopTheEngine() {
		TestPeer peer = peer();
		peer.expectNoMessage();
		assertThat(engine().snapshot().join().engineFailures()).isZero();
		engine().loop().execute(() -> {
			throw new IllegalStateException("expected by the test");
		});
		peer.sendData(PacketType.ECHO_REQ, "still alive");
		peer.expectData(PacketType.ECHO_RES, "still alive");
		assertThat(engine().snapshot().join().engineFailures()).isEqualTo(1);
	}

	@Test
	void timerThatThrowsShouldBeCountedAndTheLoopShouldContinue() throws InterruptedException {
		EngineLoop loop = newLoop();
		CountDownLatch after = new CountDownLatch(1);
		loop.execute(() -> {
			loop.schedule(10, () -> {
				throw new IllegalStateException("expected by the test");
			});
			loop.schedule(50, after::countDown);
		});
		assertThat(after.await(3, TimeUnit.SECONDS)).isTrue();
		assertThat(onLoop(loop, loop::failures)).isEqualTo(1);
	}

	@Test
	void scheduledTaskShouldRunOnTheLoopAfterItsDelay() throws Exception {
		EngineLoop loop = newLoop();
		CompletableFuture<Long> ranAfter = new CompletableFuture<>();
		AtomicBoolean onLoopThread = new AtomicBoolean();
		loop.execute(() -> {
			long start = System.nanoTime();
			loop.schedule(150, () -> {
				onLoopThread.set(loop.inLoop());
				ranAfter.complete(System.nanoTime() - start);
			});
		});
		long elapsed = ranAfter.get(3, TimeUnit.SECONDS);
		assertThat(Duration.ofNanos(elapsed)).isGreaterThanOrEqualTo(Duration.ofMillis(150));
		assertThat(onLoopThread).isTrue();
	}

	@Test
	void timersShouldRunInDeadlineOrder() throws InterruptedException {
		EngineLoop loop = newLoop();
		List<Integer> order = Collections.synchronizedList(new ArrayList<>());
		CountDownLatch done = new CountDownLatch(3);
		loop.execute(() -> {
			loop.schedule(90, () -> {
				order.add(3);
				done.countDown();
			});
			loop.schedule(10, () -> {
				order.add(1);
				done.countDown();
			});
			loop.schedule(50, () -> {
				order.add(2);
				done.countDown();
			});
		});
		assertThat(done.await(3, TimeUnit.SECONDS)).isTrue();
		assertThat(order).containsExactly(1, 2, 3);
	}

	@Test
	void cancelledTaskShouldNotRun() throws InterruptedException {
		EngineLoop loop = newLoop();
		AtomicBoolean cancelledRan = new AtomicBoolean();
		CountDownLatch later = new CountDownLatch(1);
		loop.execute(() -> {
			EngineLoop.Timeout timeout = loop.schedule(30, () -> cancelledRan.set(true));
			loop.schedule(150, later::countDown);
			loop.execute(timeout::cancel);
		});
		assertThat(later.await(3, TimeUnit.SECONDS)).isTrue();
		assertThat(cancelledRan).isFalse();
	}

	@Test
	void commandsShouldRunInSubmissionOrder() throws InterruptedException {
		EngineLoop loop = newLoop();
		List<Integer> seen = new ArrayList<>();
		CountDownLatch done = new CountDownLatch(1);
		for (int i = 0; i < 10_000; i++) {
			int n = i;
			loop.execute(() -> seen.add(n));
		}
		loop.execute(done::countDown);
		assertThat(done.await(3, TimeUnit.SECONDS)).isTrue();
		List<Integer> copy = onLoop(loop, () -> new ArrayList<>(seen));
		assertThat(copy).hasSize(10_000).isSorted();
	}

	@Test
	void shutdownShouldRunTheCommandsAlreadyQueuedAndRejectNewOnes() {
		EngineLoop loop = newLoop();
		AtomicInteger ran = new AtomicInteger();
		for (int i = 0; i < 1000; i++) {
			loop.execute(ran::incrementAndGet);
		}
		assertThat(loop.shutdown(3000)).isTrue();
		assertThat(ran).hasValue(1000);
		assertThatExceptionOfType(RejectedExecutionException.class).isThrownBy(() -> loop.execute(() -> {
		}));
	}

	@Test
	void batchHooksShouldRunAfterCommands() throws InterruptedException {
		EngineLoop loop = newLoop();
		AtomicInteger commands = new AtomicInteger();
		AtomicInteger seenByHook = new AtomicInteger(-1);
		CountDownLatch hooked = new CountDownLatch(1);
		loop.addBatchHook(() -> {
			if (commands.get() > 0) {
				seenByHook.set(commands.get());
				hooked.countDown();
			}
		});
		loop.execute(commands::incrementAndGet);
		assertThat(hooked.await(3, TimeUnit.SECONDS)).isTrue();
		assertThat(seenByHook.get()).isPositive();
	}

	private static <T> T onLoop(EngineLoop loop, java.util.function.Supplier<T> query) {
		CompletableFuture<T> result = new CompletableFuture<>();
		loop.execute(() -> result.complete(query.get()));
		return result.join();
	}

}
