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
		EngineQueries.JobPage first = engine().queries().jobs("f", JobState.QUEUED, 0, 2).join();
		assertThat(first.total()).isEqualTo(3);
		assertThat(first.jobs()).extracting(EngineReport.JobInfo::handle).containsExactly(high, normal1);
		assertThat(engine().queries().jobs("f", JobState.QUEUED, 2, 2).join().jobs())
			.extracting(EngineReport.JobInfo::handle)
			.containsExactly(normal2);
		assertThat(engine().queries().jobs("nope", JobState.QUEUED, 0, 10).join()).isEqualTo(
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
		assertThat(engine().queries().jobs("f", JobState.RUNNING, 0, 10).join().jobs())
			.extracting(EngineReport.JobInfo::handle)
			.containsExactly(second);
		EngineQueries.JobPage waiting = engine().queries().jobs("f", JobState.WAITING, 0, 10).join();
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
		assertThat(engine().queries().findJob(handle).join())
			.hasValueSatisfying((job) -> assertThat(job.unique()).isEqualTo("order-7"));
		assertThat(engine().queries().findJob("order-7").join())
			.hasValueSatisfying((job) -> assertThat(job.handle()).isEqualTo(handle));
		assertThat(engine().queries().findJob("nothing").join()).isEmpty();
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
		assertThat(engine().queries().statistics().join()).singleElement().satisfies((stats) -> {
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

	@Test
	void jobShouldBeShownWithTheStartOfItsPayloadAndWhatItsLastAttemptLeft() {
		this.settings.setRetryRules(RetryRules.of(new RetryPolicy(3, EnumSet.allOf(FailureKind.class),
				Duration.ofMinutes(1), 2, Duration.ZERO, 0, false, true)));
		TestPeer worker = worker("f");
		worker.send(PacketType.SET_CLIENT_ID, "resizer-1");
		String handle = submitBg(peer(), "f", "order-8", "0123456789");
		grab(worker);
		worker.sendData(PacketType.WORK_EXCEPTION, "disk full", handle);
		EngineQueries.JobDetail detail = engine().queries().job("order-8", 4).join().orElseThrow();
		assertThat(detail.job().handle()).isEqualTo(handle);
		assertThat(detail.job().state()).isEqualTo("WAITING");
		assertThat(TestPeer.text(detail.payload())).isEqualTo("0123");
		assertThat(detail.payloadSize()).isEqualTo(10);
		assertThat(detail.lastError()).isEqualTo("disk full");
		assertThat(detail.lastWorker()).isEqualTo("resizer-1");
		assertThat(detail.dueMillis()).isEqualTo(this.clock.currentTimeMillis() + 60_000);
		assertThat(detail.firstAttemptMillis()).isEqualTo(this.clock.currentTimeMillis());
		assertThat(engine().queries().job(handle, 100).join().orElseThrow().payload()).hasSize(10);
		assertThat(engine().queries().job("nothing", 100).join()).isEmpty();
	}

	@Test
	void largePayloadHeldInABufferShouldBeShownInPart() {
		byte[] large = new byte[200_000];
		java.util.Arrays.fill(large, (byte) 'x');
		large[0] = 'a';
		TestPeer client = peer();
		client.sendData(PacketType.SUBMIT_JOB_BG, large, "f", "");
		String handle = client.expect(PacketType.JOB_CREATED).arg(0);
		EngineQueries.JobDetail detail = engine().queries().job(handle, 3).join().orElseThrow();
		assertThat(TestPeer.text(detail.payload())).isEqualTo("axx");
		assertThat(detail.payloadSize()).isEqualTo(200_000);
		assertThat(detail.dueMillis()).isNull();
	}

	@Test
	void countersShouldFollowJobsThroughTheirStatesAndEnds() {
		this.settings.setRetryRules(RetryRules.of(new RetryPolicy(2, EnumSet.allOf(FailureKind.class),
				Duration.ofMinutes(1), 2, Duration.ZERO, 0, false, false)));
		TestPeer worker = worker("f");
		TestPeer client = peer();
		String done = submitBg(client, "f", "", "1");
		String failing = submitBg(client, "f", "", "2");
		submitBg(client, "f", "", "3");
		client.sendData(PacketType.SUBMIT_JOB_EPOCH, "4", "f", "", Long.toString(this.clock.currentTimeMillis() / 1000
				+ 3600));
		client.expect(PacketType.JOB_CREATED);
		grab(worker);
		complete(worker, done, "ok");
		grab(worker);
		worker.send(PacketType.WORK_FAIL, failing);
		grab(worker);
		assertThat(engine().queries().counters().join())
			.isEqualTo(new EngineQueries.Counters(2, 0, 1, 1, 1, 1, 0));
		advance(Duration.ofMinutes(1));
		assertThat(grab(worker).arg(0)).isEqualTo(failing);
		worker.send(PacketType.WORK_FAIL, failing);
		assertThat(engine().queries().counters().join())
			.as("attempts used up, no dead letters: failed")
			.isEqualTo(new EngineQueries.Counters(2, 0, 1, 0, 1, 1, 1));
	}

	@Test
	void workersShouldBeReportedWithWhenTheyConnectedAndTheJobsTheyHold() {
		TestPeer first = worker("f");
		advance(Duration.ofSeconds(30));
		TestPeer second = worker("f", "g");
		String handle = submitBg(peer(), "f", "", "x");
		grab(second);
		EngineReport report = engine().report(10, 0, 10).join();
		assertThat(report.jobs()).isEmpty();
		assertThat(report.jobCount()).isEqualTo(1);
		assertThat(report.workers()).extracting(EngineReport.WorkerInfo::id).containsExactly(first.id(), second.id());
		long now = this.clock.currentTimeMillis();
		assertThat(report.workers().get(0).connectedSince()).isEqualTo(now - 30_000);
		assertThat(report.workers().get(1).connectedSince()).isEqualTo(now);
		assertThat(report.workers().get(0).runningHandles()).isEmpty();
		assertThat(report.workers().get(1).runningHandles()).containsExactly(handle);
		assertThat(engine().report(1, 0, 10).join().workers()).hasSize(1);
	}

	@Test
	void workerWithManyJobsShouldListTheFirstHandlesOnly() {
		TestPeer worker = worker("f");
		TestPeer client = peer();
		for (int i = 0; i < 40; i++) {
			submitBg(client, "f", "", "x" + i);
			grab(worker);
		}
		EngineReport.WorkerInfo info = engine().report(10, 0, 10).join().workers().get(0);
		assertThat(info.runningJobs()).isEqualTo(40);
		assertThat(info.runningHandles()).hasSize(EngineReport.MAX_RUNNING_HANDLES).startsWith(handle(1));
	}

	@Test
	void workerWithManyFunctionsShouldListTheFirstOnlyWhereTheCallerCapsThem() {
		String[] functions = new String[1000];
		for (int i = 0; i < functions.length; i++) {
			functions[i] = "f" + i;
		}
		worker(functions);
		EngineReport.WorkerInfo capped = engine().report(10, 0, 20).join().workers().get(0);
		assertThat(capped.functions()).hasSize(20).startsWith("f0", "f1");
		assertThat(capped.functionCount()).isEqualTo(1000);
		assertThat(engine().report(10).join().workers().get(0).functions()).as("the actuator's report: all")
			.hasSize(1000);
	}

	@Test
	void pagesShouldBeCappedWhateverTheCallerAsks() {
		TestPeer client = peer();
		for (int i = 0; i < EngineQueries.MAX_LIMIT + 10; i++) {
			submitBg(client, "f", "", "x" + i);
		}
		EngineQueries.JobPage page = engine().queries().jobs("f", JobState.QUEUED, 0, Integer.MAX_VALUE).join();
		assertThat(page.jobs()).hasSize(EngineQueries.MAX_LIMIT);
		assertThat(page.total()).isEqualTo(EngineQueries.MAX_LIMIT + 10);
		assertThat(engine().queries().jobs("f", JobState.QUEUED, EngineQueries.MAX_OFFSET + 1, 10).join().jobs())
			.as("deeper than the offset cap: nothing, rather than a long walk on the engine thread")
			.isEmpty();
		assertThat(engine().queries().jobs("f", JobState.QUEUED, -5, -5).join().jobs()).isEmpty();
	}

}
