package dev.gearman.server.engine;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.gearman.protocol.PacketType;
import dev.gearman.server.store.RecordingJobStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A pause survives a restart: every pause and resume, by admin command or through the facade, is handed to the
 * store; dropping a paused function counts as a resume; and the functions the store gives back at start are paused
 * before any stored job is replayed, without being written back.
 */
class PausedFunctionsTests extends EngineTestSupport {

	/** What the store was told, "f paused" / "f resumed", in order. */
	private final List<String> writes = new CopyOnWriteArrayList<>();

	private Set<String> storedPauses = Set.of();

	@BeforeEach
	void recordPauses() {
		this.store = new RecordingJobStore() {

			@Override
			public void setPaused(String function, boolean paused) {
				PausedFunctionsTests.this.writes.add(function + (paused ? " paused" : " resumed"));
			}

			@Override
			public Set<String> pausedFunctions() {
				return PausedFunctionsTests.this.storedPauses;
			}

		};
	}

	@Test
	void pausesAndResumesShouldBeHandedToTheStoreOncePerChange() {
		assertThat(admin("pause function f")).isEqualTo("OK\r\n");
		assertThat(admin("pause function f")).as("already paused: nothing to write").isEqualTo("OK\r\n");
		assertThat(engine().pause("g", true).join()).isTrue();
		assertThat(admin("resume function f")).isEqualTo("OK\r\n");
		assertThat(engine().pause("g", false).join()).isTrue();
		assertThat(this.writes).containsExactly("f paused", "g paused", "f resumed", "g resumed");
	}

	@Test
	void droppingAPausedFunctionShouldForgetItsPause() {
		assertThat(admin("pause function f")).isEqualTo("OK\r\n");
		assertThat(admin("drop function f")).isEqualTo("OK\r\n");
		assertThat(this.writes).containsExactly("f paused", "f resumed");
	}

	@Test
	void functionsPausedBeforeARestartShouldStayPausedWithoutBeingWrittenAgain() {
		this.storedPauses = Set.of("f");
		assertThat(engine().replay()).isZero();
		TestPeer worker = worker("f", "g");
		submitBg(peer(), "f", "", "held");
		String other = submitBg(peer(), "g", "", "runs");
		assertAssigned(grab(worker), other, "g", "runs");
		expectNoJob(worker);
		assertThat(admin("status")).isEqualTo("f\t1\t0\t1\ng\t1\t1\t1\n.\n");
		assertThat(engine().snapshot().join().functions()).filteredOn(EngineSnapshot.FunctionStatus::paused)
			.extracting(EngineSnapshot.FunctionStatus::name)
			.containsExactly("f");
		assertThat(this.writes).isEmpty();
		worker.send(PacketType.PRE_SLEEP);
		assertThat(admin("resume function f")).isEqualTo("OK\r\n");
		worker.expect(PacketType.NOOP);
		assertThat(this.writes).containsExactly("f resumed");
	}

}
