package dev.gearman.server.engine;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;

import dev.gearman.protocol.PacketType;
import dev.gearman.server.history.JobEvent;
import dev.gearman.server.history.JobEvent.Type;
import dev.gearman.server.history.JobHistoryStore;
import dev.gearman.server.retry.FailureKind;
import dev.gearman.server.retry.RetryPolicy;
import dev.gearman.server.retry.RetryRules;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The history of background jobs (in memory here): what happened to each, by handle and by unique id; nothing for
 * foreground jobs, and nothing at all when it is off.
 */
class JobHistoryTests extends EngineTestSupport {

	@BeforeEach
	void enableHistory() {
		this.settings.getHistory().setEnabled(true).setMaxResultSize(4);
		this.settings.setRetryRules(RetryRules.of(new RetryPolicy(2, EnumSet.allOf(FailureKind.class),
				Duration.ofSeconds(5), 2, Duration.ZERO, 0, false, true)));
	}

	@Test
	void historyShouldTellEachAttemptAndTheCompletionWithItsResult() {
		TestPeer worker = worker("f");
		worker.send(PacketType.SET_CLIENT_ID, "w1");
		long submittedAt = this.clock.currentTimeMillis();
		String handle = submitBg(peer(), "f", "u", "data");
		grab(worker);
		worker.sendData(PacketType.WORK_EXCEPTION, "IOException: timeout", handle);
		advance(Duration.ofSeconds(5));
		grab(worker);
		complete(worker, handle, "done");
		sync();
		List<JobEvent> events = history().byHandle(handle, 100);
		assertThat(events).extracting(JobEvent::type)
			.containsExactly(Type.SUBMITTED, Type.ATTEMPT_FAILED, Type.COMPLETED);
		assertThat(events.get(0).atMillis()).isEqualTo(submittedAt);
		assertThat(events.get(1)).satisfies((failed) -> {
			assertThat(failed.attempt()).isEqualTo(1);
			assertThat(failed.detail()).isEqualTo("IOException: timeout");
			assertThat(failed.worker()).isEqualTo("w1");
		});
		assertThat(events.get(2)).satisfies((completed) -> {
			assertThat(completed.atMillis()).isEqualTo(submittedAt + 5000);
			assertThat(completed.resultSize()).isEqualTo(4);
			assertThat(TestPeer.text(completed.result())).isEqualTo("done");
			assertThat(completed.worker()).isEqualTo("w1");
		});
		assertThat(history().byUnique("u", 100)).isEqualTo(events);
	}

	@Test
	void resultLongerThanTheMaximumShouldBeRecordedByItsSizeOnly() {
		TestPeer worker = worker("f");
		String handle = submitBg(peer(), "f", "u", "data");
		grab(worker);
		complete(worker, handle, "longer");
		sync();
		JobEvent completed = history().byHandle(handle, 100).get(1);
		assertThat(completed.resultSize()).isEqualTo(6);
		assertThat(completed.result()).isNull();
	}

	@Test
	void jobThatUsedUpItsAttemptsShouldEndDeadWithItsLastError() {
		TestPeer worker = worker("f");
		String handle = submitBg(peer(), "f", "u", "data");
		grab(worker);
		worker.send(PacketType.WORK_FAIL, handle);
		advance(Duration.ofSeconds(5));
		grab(worker);
		worker.disconnect();
		sync();
		List<JobEvent> events = history().byUnique("u", 100);
		assertThat(events).extracting(JobEvent::type).containsExactly(Type.SUBMITTED, Type.ATTEMPT_FAILED, Type.DEAD);
		assertThat(events).extracting(JobEvent::detail).containsExactly(null, "failed", "worker lost");
		assertThat(events.get(2).attempt()).isEqualTo(2);
	}

	@Test
	void cancelledJobShouldEndCancelled() {
		String handle = submitBg(peer(), "f", "u", "data");
		assertThat(admin("cancel job " + handle)).isEqualTo("OK\r\n");
		assertThat(history().byHandle(handle, 100)).extracting(JobEvent::type)
			.containsExactly(Type.SUBMITTED, Type.CANCELLED);
	}

	@Test
	void foregroundJobsShouldHaveNoHistory() {
		TestPeer client = peer();
		TestPeer worker = worker("f");
		String handle = submit(client, "f", "u", "data");
		grab(worker);
		complete(worker, handle, "done");
		client.expect(PacketType.WORK_COMPLETE);
		assertThat(history().byHandle(handle, 100)).isEmpty();
	}

	@Test
	void historyThatIsOffShouldRecordNothing() {
		this.settings.getHistory().setEnabled(false);
		assertThat(history()).isSameAs(JobHistoryStore.NONE);
	}

	@Test
	void limitShouldCutTheEventsReturned() {
		TestPeer worker = worker("f");
		String handle = submitBg(peer(), "f", "u", "data");
		grab(worker);
		complete(worker, handle, "done");
		sync();
		assertThat(history().byHandle(handle, 1)).extracting(JobEvent::type).containsExactly(Type.SUBMITTED);
	}

	private JobHistoryStore history() {
		return engine().history();
	}

}
