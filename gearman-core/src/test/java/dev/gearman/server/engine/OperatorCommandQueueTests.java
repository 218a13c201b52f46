package dev.gearman.server.engine;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.gearman.protocol.AdminReply;
import dev.gearman.protocol.PacketType;
import dev.gearman.server.access.AccessPolicy.AdminAccess;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Operator commands answered off the engine thread: a peer has one of them under way at a time, however many it
 * pipelines, so a flood of them waits behind itself and other peers' commands reach the operations queue at once.
 */
class OperatorCommandQueueTests extends EngineTestSupport {

	/** The commands the extension was asked to run, and their answers, completed by the test. */
	private final List<CompletableFuture<String>> running = new CopyOnWriteArrayList<>();

	private final List<String> commands = new CopyOnWriteArrayList<>();

	private void extend() {
		engine().setAdminExtension(new AdminExtension() {
			@Override
			public @Nullable AdminAccess access(String[] tokens) {
				return "op".equals(tokens[0]) ? AdminAccess.READ : null;
			}

			@Override
			public CompletableFuture<String> run(String[] tokens) {
				CompletableFuture<String> answer = new CompletableFuture<>();
				OperatorCommandQueueTests.this.commands.add(String.join(" ", tokens));
				OperatorCommandQueueTests.this.running.add(answer);
				return answer;
			}
		});
	}

	/** Answers a command once the engine has asked for it. */
	private void answer(int index) {
		await().atMost(Duration.ofSeconds(10)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1)).until(() -> this.running.size() > index);
		this.running.get(index).complete("answer " + index + "\n");
	}

	@Test
	void pipelinedOperatorCommandsShouldRunOneAtATimeWhileOtherPeersGoAhead() {
		extend();
		TestPeer flood = peer();
		for (int i = 0; i < 100; i++) {
			flood.sendLine("op flood-" + i);
		}
		flood.sendData(PacketType.ECHO_REQ, "after the flood");
		TestPeer other = peer();
		other.sendLine("op other");
		other.sendLine("version");
		await().atMost(Duration.ofSeconds(10)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1))
			.until(() -> this.commands.contains("op other"));
		assertThat(this.commands).containsExactly("op flood-0", "op other");
		assertThat(other.poll()).as("the other peer's version waits for the answer before it").isNull();
		answer(1);
		assertThat(((AdminReply) other.next()).text()).isEqualTo("answer 1\n");
		assertThat(((AdminReply) other.next()).text()).startsWith("OK ");
		assertThat(flood.poll()).isNull();
		answer(0);
		assertThat(((AdminReply) flood.next()).text()).isEqualTo("answer 0\n");
		await().atMost(Duration.ofSeconds(10)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1)).until(() -> this.commands.size() == 3);
		assertThat(this.commands).last().isEqualTo("op flood-1");
		for (int i = 2; i <= 100; i++) {
			answer(i);
			assertThat(((AdminReply) flood.next()).text()).isEqualTo("answer " + i + "\n");
		}
		flood.expectData(PacketType.ECHO_RES, "after the flood");
		assertThat(this.commands).hasSize(101);
	}

}
