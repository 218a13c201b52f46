package dev.gearman.server.engine;

import java.time.Duration;
import java.util.EnumSet;

import dev.gearman.protocol.PacketType;
import dev.gearman.server.retry.FailureKind;
import dev.gearman.server.retry.RetryPolicy;
import dev.gearman.server.retry.RetryRules;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a dashboard asks the engine: pages of a function's jobs per state, a job by handle or unique id, run
 * statistics per function, and the operator's cancel and pause.
 */
class EngineQueriesTests extends EngineTestSupport {

	@Test
	void pagesOfQueuedJobsShouldFollowPriorityThenArrival() {
		TestPeer client = peer();
		String normal1 = submitBg(client, "f", "", "n1");
		String normal2 = submitBg(client, "f", "", "n2");
		String high = submit(client, PacketType.SUBMIT_JOB_HIGH_BG, "f", "", "h");
		EngineQueries.JobPage first = engine().jobs("f", JobState.QUEUED, 0, 2).join();
		assertThat(first.total()).isEqualTo(3);
		assertThat(first.jobs()).extracting(EngineReport.JobInfo::handle).containsExactly(high, normal1);
		assertThat(engine().jobs("f", JobState.QUEUED, 2, 2).join().jobs()).extracting(EngineReport.JobInfo::handle)
			.containsExactly(normal2);
		assertThat(engine().jobs("nope", JobState.QUEUED, 0, 10).join()).isEqualTo(
				new EngineQueries.JobPage(java.util.List.of(), 0));
	}

	@Test
	void runningAndWaitingJobsShouldBeListedPerFunction() {
		this.settings.setRetryRules(RetryRules.of(new RetryPolicy(3, EnumSet.allOf(FailureKind.class),
				Duration.ofMinutes(1), 2, Duration.ZERO, 0, false, true)));
		TestPeer worker = worker("f");
		String first = submitBg(peer(), "f", "a", "1");
		String second = submitBg(peer(), "f", "b", "2");
		grab(worker);
		worker.send(PacketType.WORK_FAIL, first);
		grab(worker);
		assertThat(engine().jobs("f", JobState.RUNNING, 0, 10).join().jobs()).extracting(EngineReport.JobInfo::handle)
			.containsExactly(second);
		EngineQueries.JobPage waiting = engine().jobs("f", JobState.WAITING, 0, 10).join();
		assertThat(waiting.total()).isEqualTo(1);
		assertThat(waiting.jobs()).singleElement().satisfies((job) -> {
			assertThat(job.handle()).isEqualTo(first);
			assertThat(job.state()).isEqualTo("WAITING");
			assertThat(job.retries()).isEqualTo(1);
		});
	}

	@Test
	void jobShouldBeFoundByHandleOrUnique() {
		String handle = submitBg(peer(), "f", "order-7", "x");
		assertThat(engine().findJob(handle).join()).hasValueSatisfying((job) -> assertThat(job.unique()).isEqualTo("order-7"));
		assertThat(engine().findJob("order-7").join()).hasValueSatisfying((job) -> assertThat(job.handle()).isEqualTo(handle));
		assertThat(engine().findJob("nothing").join()).isEmpty();
	}

	@Test
	void statisticsShouldCountRunsAndTheirTimesPerFunction() {
		TestPeer worker = worker("f");
		TestPeer client = peer();
		for (int i = 0; i < 10; i++) {
			String handle = submitBg(client, "f", "", "x");
			grab(worker);
			advance(Duration.ofMillis((i < 9) ? 10 : 1000));
			if (i == 0) {
				worker.send(PacketType.WORK_FAIL, handle);
			}
			else {
				complete(worker, handle, "ok");
			}
		}
		assertThat(engine().functionStatistics().join()).singleElement().satisfies((stats) -> {
			assertThat(stats.completed()).isEqualTo(9);
			assertThat(stats.failed()).isEqualTo(1);
			assertThat(stats.runP50Micros()).isBetween(10_000L, 12_000L);
			assertThat(stats.runP99Micros()).isBetween(1_000_000L, 1_200_000L);
		});
	}

	@Test
	void operatorShouldCancelAndPauseThroughTheFacade() {
		TestPeer client = peer();
		String handle = submit(client, "f", "", "x");
		assertThat(engine().cancel(handle).join()).isTrue();
		client.expect(PacketType.WORK_FAIL, handle);
		assertThat(engine().cancel(handle).join()).isFalse();
		TestPeer worker = worker("f");
		assertThat(engine().pause("f", true).join()).isTrue();
		submitBg(client, "f", "", "y");
		expectNoJob(worker);
		worker.send(PacketType.PRE_SLEEP);
		assertThat(engine().pause("f", false).join()).isTrue();
		worker.expect(PacketType.NOOP);
		assertThat(engine().pause("unknown", false).join()).isFalse();
	}

}
