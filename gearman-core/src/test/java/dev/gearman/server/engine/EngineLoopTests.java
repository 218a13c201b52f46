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
import io.netty.channel.DefaultEventLoop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The engine's single thread: failures do not stop it, timers run on it by its clock and can be cancelled. The
 * loops here follow a {@link ManualClock}; {@link EventLoopEngineTests} covers timers on the system clock.
 */
class EngineLoopTests extends EngineTestSupport {

	private final DefaultEventLoop eventLoop = new DefaultEventLoop();

	private final ManualClock loopClock = new ManualClock();

	@AfterEach
	void stopLoops() {
		this.eventLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
	}

	private EngineLoop newLoop() {
		return new EngineLoop(this.eventLoop, this.loopClock);
	}

	/** Moves the loop's clock on and has the loop run what became due. */
	private void advance(EngineLoop loop, long millis) {
		// what the test handed to the loop runs first: a timer it arms counts from the time before the advance
		onLoop(loop, () -> null);
		this.loopClock.advance(Duration.ofMillis(millis));
		loop.runDueTimers();
	}

	@Test
	void commandThatThrowsShouldNotStopTheEngine() {
		expectEngineFailures(1);
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
		advance(loop, 50);
		assertThat(after.await(3, TimeUnit.SECONDS)).isTrue();
		assertThat(onLoop(loop, loop::failures)).isEqualTo(1);
	}

	@Test
	void scheduledTaskShouldRunOnTheLoopOnlyOnceItsTimeHasCome() throws Exception {
		EngineLoop loop = newLoop();
		AtomicInteger ran = new AtomicInteger();
		AtomicBoolean onLoopThread = new AtomicBoolean();
		loop.execute(() -> loop.schedule(150, () -> {
			onLoopThread.set(loop.inLoop());
			ran.incrementAndGet();
		}));
		advance(loop, 149);
		assertThat(onLoop(loop, ran::get)).as("ran before its time").isZero();
		advance(loop, 1);
		assertThat(onLoop(loop, ran::get)).isEqualTo(1);
		assertThat(onLoopThread).isTrue();
		advance(loop, 1000);
		assertThat(onLoop(loop, ran::get)).as("ran once").isEqualTo(1);
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
		advance(loop, 50);
		assertThat(onLoop(loop, () -> new ArrayList<>(order))).containsExactly(1, 2);
		advance(loop, 40);
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
		advance(loop, 150);
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
