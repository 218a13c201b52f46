package dev.gearman.server.interop;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.gearman.client.GearmanClient;
import dev.gearman.client.GearmanJobFailedException;
import dev.gearman.client.GearmanWorkerException;
import dev.gearman.client.JobListener;
import dev.gearman.client.JobRequest;
import dev.gearman.worker.GearmanWorker;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static dev.gearman.server.interop.Peers.one;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Our worker serving real clients (PHP's gearman extension, the {@code gearman} CLI) and our client driving real
 * workers (a PHP worker, {@code gearman -w}), against gearmand and against our server.
 */
class ClientWorkerPeerTests extends ClientWorkerTestSupport {

	@BeforeAll
	void requirePeers() {
		Peers.requireGearmanTools();
		Peers.requirePhpGearman();
	}

	private GearmanWorker javaWorker(TestJobServer server, String function) {
		GearmanWorker worker = worker(2, server);
		worker.register(function, (job) -> {
			String payload = job.payloadAsString();
			switch (payload) {
				case "callbacks" -> {
					job.sendData("d1".getBytes());
					job.sendWarning("w1".getBytes());
					job.sendStatus(1, 2);
					job.sendData("d2".getBytes());
					return "final".getBytes();
				}
				case "throw" -> throw new IllegalArgumentException("java boom");
				default -> {
					return new StringBuilder(payload).reverse().toString().getBytes();
				}
			}
		});
		worker.start();
		awaitWorkers(server, function, 1);
		return worker;
	}

	@ParameterizedTest
	@EnumSource(ServerKind.class)
	void ourWorkerServesThePhpClient(ServerKind kind) {
		TestJobServer server = server(kind);
		String function = Peers.uniqueFunction("java-for-php");
		javaWorker(server, function);
		Peers peers = peers(server);
		for (String priority : List.of("high", "normal", "low")) {
			Map<String, List<String>> done = peers.phpClient("do", priority, function, "Hello PHP");
			assertThat(one(done, "rcname")).isEqualTo("SUCCESS");
			assertThat(one(done, "result")).isEqualTo("PHP olleH");
		}
		Map<String, List<String>> tasks = peers.phpClient("tasks", function, "callbacks");
		assertThat(tasks.get("log")).containsExactly("CREATED", "DATA:d1", "WARNING:w1", "STATUS:1/2", "DATA:d2",
				"COMPLETE:final");
		Map<String, List<String>> thrown = peers.phpClient("tasks", function, "throw");
		assertThat(thrown.get("log")).contains("EXCEPTION:java.lang.IllegalArgumentException: java boom")
			.noneMatch((entry) -> entry.startsWith("COMPLETE"));
	}

	@ParameterizedTest
	@EnumSource(ServerKind.class)
	void ourWorkerServesTheGearmanCli(ServerKind kind) {
		TestJobServer server = server(kind);
		String function = Peers.uniqueFunction("java-for-cli");
		javaWorker(server, function);
		Peers peers = peers(server);
		ExternalProcess client = peers.run(peers.gearman("-f", function, "Hello CLI"), null);
		assertThat(client.stdout()).as(client.describe()).isEqualTo("ILC olleH");
		List<String> seen = new CopyOnWriteArrayList<>();
		String background = Peers.uniqueFunction("java-for-cli-bg");
		GearmanWorker worker = worker(1, server);
		worker.register(background, (job) -> {
			seen.add(job.payloadAsString());
			return null;
		});
		peers.run(peers.gearman("-b", "-f", background, "cli-bg"), null);
		worker.start();
		org.awaitility.Awaitility.await().atMost(WAIT).until(() -> seen.contains("cli-bg"));
	}

	@ParameterizedTest
	@EnumSource(ServerKind.class)
	void ourClientDrivesAPhpWorker(ServerKind kind) {
		TestJobServer server = server(kind);
		Peers peers = peers(server);
		GearmanClient client = client(server);
		String reverse = Peers.uniqueFunction("php-reverse");
		peers.phpWorker("reverse", reverse, "count=2");
		assertThat(get(client.submit(reverse, "Hello Java"))).isEqualTo("avaJ olleH");
		assertThat(new String(get(client.submit(JobRequest.of(reverse, "bg").withUnique("u1"))))).isEqualTo("gb");
		String callbacks = Peers.uniqueFunction("php-callbacks");
		peers.phpWorker("callbacks", callbacks);
		List<String> events = new CopyOnWriteArrayList<>();
		byte[] result = get(client.submit(JobRequest.of(callbacks, "x").withListener(new JobListener() {
			@Override
			public void onData(byte[] data) {
				events.add("DATA:" + new String(data));
			}

			@Override
			public void onWarning(byte[] data) {
				events.add("WARNING:" + new String(data));
			}

			@Override
			public void onStatus(long numerator, long denominator) {
				events.add("STATUS:" + numerator + "/" + denominator);
			}
		})));
		assertThat(new String(result)).isEqualTo("final");
		assertThat(events).containsExactly("DATA:d1", "WARNING:w1", "STATUS:1/2", "DATA:d2");
		String exception = Peers.uniqueFunction("php-exception");
		peers.phpWorker("exception", exception);
		Throwable raised = failure(client.submit(JobRequest.of(exception, "x")));
		assertThat(raised).isInstanceOf(GearmanWorkerException.class);
		assertThat(new String(((GearmanWorkerException) raised).payload())).isEqualTo("boom");
		String fail = Peers.uniqueFunction("php-fail");
		peers.phpWorker("fail", fail);
		assertThat(failure(client.submit(JobRequest.of(fail, "x")))).isInstanceOf(GearmanJobFailedException.class);
	}

	@ParameterizedTest
	@EnumSource(ServerKind.class)
	void ourClientDrivesAGearmanCliWorker(ServerKind kind) {
		TestJobServer server = server(kind);
		Peers peers = peers(server);
		String function = Peers.uniqueFunction("cli-rev");
		ExternalProcess worker = peers.spawn(peers.gearman("-w", "-f", function, "-c", "2", "--", "rev"));
		GearmanClient client = client(server);
		assertThat(get(client.submit(function, "Hello World!"))).isEqualTo("!dlroW olleH");
		assertThat(get(client.submit(function, "second"))).isEqualTo("dnoces");
		worker.awaitSuccess(Peers.PROCESS_TIMEOUT);
	}

}
