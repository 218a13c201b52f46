package dev.gearman.server.engine;

import java.time.Duration;
import java.util.EnumSet;

import dev.gearman.protocol.PacketType;
import dev.gearman.server.retry.FailureKind;
import dev.gearman.server.retry.RetryPolicy;
import dev.gearman.server.retry.RetryRules;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A job waiting for its next attempt is still the job its unique id names: submissions with that id join it,
 * status queries find it (known, not running), it keeps its priority, and it runs when due.
 */
class WaitingJobTests extends EngineTestSupport {

	@BeforeEach
	void useRetries() {
		this.settings.setRetryRules(RetryRules.of(new RetryPolicy(3, EnumSet.allOf(FailureKind.class),
				Duration.ofSeconds(10), 2, Duration.ZERO, 0, false, true)));
	}

	@Test
	void submissionWithTheUniqueIdOfAWaitingJobShouldJoinIt() {
		TestPeer worker = worker("f");
		String handle = submit(peer(), PacketType.SUBMIT_JOB_LOW_BG, "f", "order-1", "data");
		grab(worker);
		worker.send(PacketType.WORK_FAIL, handle);
		assertThat(submitBg(peer(), "f", "order-1", "other data")).as("coalesced: the same job").isEqualTo(handle);
		TestPeer client = peer();
		assertThat(submit(client, "f", "order-1", "x")).isEqualTo(handle);
		TestPeer status = peer();
		status.send(PacketType.GET_STATUS, handle);
		status.expect(PacketType.STATUS_RES, handle, "1", "0", "0", "0");
		status.send(PacketType.GET_STATUS_UNIQUE, "order-1");
		status.expect(PacketType.STATUS_RES_UNIQUE, "order-1", "1", "0", "0", "0", "1");
		assertThat(admin("prioritystatus")).as("not queued while it waits").isEqualTo("f\t0\t0\t0\t1\n.\n");
		advance(Duration.ofSeconds(10));
		assertThat(admin("prioritystatus")).as("back at its own priority").isEqualTo("f\t0\t0\t1\t1\n.\n");
		assertAssigned(grab(worker), handle, "f", "data");
		complete(worker, handle, "done");
		client.expectData(PacketType.WORK_COMPLETE, "done", handle);
		assertThat(census()).isEqualTo(JobCensus.EMPTY);
	}

}
