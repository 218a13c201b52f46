package dev.gearman.server.engine;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.gearman.protocol.PacketType;
import dev.gearman.server.retry.FailureKind;
import dev.gearman.server.retry.RetryPolicy;
import dev.gearman.server.retry.RetryRules;
import dev.gearman.server.store.RecordingJobStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The jobs that wait for their time, as an operator sees and steers them: epoch jobs (SCHEDULED) and failed jobs
 * waiting for their next attempt (WAITING) listed by due time across functions or for one, run at once on request
 * (the waiting job's stored row told so), and cancelled in bulk within a bound.
 */
class DueJobQueriesTests extends EngineTestSupport {

	/** What the store was told about failed attempts: "unique attempts=N due=EPOCH_SECONDS". */
	private final List<String> retries = new CopyOnWriteArrayList<>();

	@BeforeEach
	void retryFailedJobsAfterAMinute() {
		this.settings.setRetryRules(RetryRules.of(new RetryPolicy(5, EnumSet.allOf(FailureKind.class),
				Duration.ofMinutes(1), 2, Duration.ZERO, 0, false, true)));
		this.store = new RecordingJobStore() {

			@Override
			public void retryLater(String function, String unique, long sequence, int attempts, long whenToRun,
					String lastError) {
				DueJobQueriesTests.this.retries.add(unique + " attempts=" + attempts + " due=" + whenToRun);
			}

		};
	}

	@Test
	void scheduledAndWaitingJobsShouldBeListedByDueTimeAcrossFunctions() {
		TestPeer client = peer();
		long now = this.clock.currentTimeMillis() / 1000;
		String laterG = epoch(client, "g", now + 300);
		String soonerF = epoch(client, "f", now + 100);
		String failed = failOnce("f", "order-1");
		EngineQueries.JobPage scheduled = engine().queries().dueJobs(null, JobState.SCHEDULED, 0, 10).join();
		assertThat(scheduled.total()).isEqualTo(2);
		assertThat(scheduled.jobs()).extracting(EngineReport.JobInfo::handle).containsExactly(soonerF, laterG);
		assertThat(engine().queries().dueJobs(null, JobState.SCHEDULED, 1, 10).join().jobs())
			.extracting(EngineReport.JobInfo::handle)
			.containsExactly(laterG);
		assertThat(engine().queries().dueJobs("g", JobState.SCHEDULED, 0, 10).join().jobs())
			.extracting(EngineReport.JobInfo::handle)
			.containsExactly(laterG);
		EngineQueries.JobPage waiting = engine().queries().dueJobs(null, JobState.WAITING, 0, 10).join();
		assertThat(waiting.jobs()).extracting(EngineReport.JobInfo::handle).containsExactly(failed);
		assertThat(waiting.total()).isEqualTo(1);
		assertThat(engine().queries().dueJobs("nope", JobState.WAITING, 0, 10).join())
			.isEqualTo(new EngineQueries.JobPage(List.of(), 0));
		assertThatIllegalArgumentException()
			.isThrownBy(() -> engine().queries().dueJobs(null, JobState.QUEUED, 0, 10))
			.withMessage("state: QUEUED (expected: SCHEDULED or WAITING)");
	}

	@Test
	void waitingJobRunNowShouldRunAtOnceKeepingItsAttemptsAndTellTheStore() {
		TestPeer worker = worker("f");
		String handle = failOnce("f", "order-1");
		long now = this.clock.currentTimeMillis();
		// the store keeps whole seconds, rounded up: never earlier than due
		assertThat(this.retries).containsExactly("order-1 attempts=1 due=" + (now + 60_000 + 999) / 1000);
		expectNoJob(worker);
		assertThat(engine().runNow(handle).join()).isTrue();
		assertThat(this.retries).last()
			.as("the row says the attempt is due now: a restart does not hold the job back again")
			.isEqualTo("order-1 attempts=1 due=" + (now + 999) / 1000);
		assertAssigned(grab(worker), handle, "f", "data");
		assertThat(engine().queries().job(handle, 0).join().orElseThrow().job().retries()).isEqualTo(1);
		assertThat(engine().runNow(handle).join()).as("running, not waiting").isFalse();
		assertThat(engine().runNow("H:none").join()).isFalse();
	}

	@Test
	void scheduledJobRunNowShouldBeHandedOutBeforeItsTime() {
		TestPeer worker = worker("f");
		String handle = epoch(peer(), "f", this.clock.currentTimeMillis() / 1000 + 3600);
		expectNoJob(worker);
		assertThat(engine().runNow(handle).join()).isTrue();
		assertAssigned(grab(worker), handle, "f", "data");
		complete(worker, handle, "done");
		assertThat(census()).isEqualTo(JobCensus.EMPTY);
	}

	@Test
	void cancelWaitingShouldCancelOneFunctionsOrEveryFunctionsJobsInThatStateOnly() {
		TestPeer client = peer();
		long later = this.clock.currentTimeMillis() / 1000 + 3600;
		epoch(client, "f", later);
		epoch(client, "g", later);
		String kept = epoch(client, "g", later);
		failOnce("f", "order-1");
		assertThat(engine().cancelWaiting("f", JobState.SCHEDULED).join()).isEqualTo(1);
		assertThat(engine().queries().dueJobs(null, JobState.SCHEDULED, 0, 10).join().total()).isEqualTo(2);
		assertThat(engine().queries().counters().join().waiting()).as("waiting jobs untouched").isEqualTo(1);
		assertThat(engine().cancelWaiting(null, JobState.WAITING).join()).isEqualTo(1);
		assertThat(engine().cancelWaiting("nope", JobState.SCHEDULED).join()).isZero();
		assertThat(engine().cancelWaiting(null, JobState.SCHEDULED).join()).isEqualTo(2);
		assertThat(engine().queries().findJob(kept).join()).isEmpty();
		assertThat(census()).isEqualTo(JobCensus.EMPTY);
	}

	@Test
	void cancelWaitingShouldStopAtItsBoundSoThatTheEngineThreadDoesNotStall() {
		TestPeer client = peer();
		long later = this.clock.currentTimeMillis() / 1000 + 3600;
		int jobs = JobEngine.MAX_CANCELLED + 5;
		for (int i = 0; i < jobs; i++) {
			client.sendData(PacketType.SUBMIT_JOB_EPOCH, "x", "f", "", Long.toString(later));
		}
		for (int i = 0; i < jobs; i++) {
			client.expect(PacketType.JOB_CREATED);
		}
		assertThat(engine().cancelWaiting(null, JobState.SCHEDULED).join()).isEqualTo(JobEngine.MAX_CANCELLED);
		assertThat(engine().cancelWaiting(null, JobState.SCHEDULED).join()).isEqualTo(5);
	}

	/** A background job whose first attempt failed: it waits a minute for its next one. */
	private String failOnce(String function, String unique) {
		TestPeer worker = worker(function);
		String handle = submitBg(peer(), function, unique, "data");
		grab(worker);
		worker.send(PacketType.WORK_FAIL, handle);
		worker.disconnect();
		sync();
		return handle;
	}

	private static String epoch(TestPeer client, String function, long when) {
		client.sendData(PacketType.SUBMIT_JOB_EPOCH, "data", function, "", Long.toString(when));
		return client.expect(PacketType.JOB_CREATED).arg(0);
	}

}
