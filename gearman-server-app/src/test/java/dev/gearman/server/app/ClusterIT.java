package dev.gearman.server.app;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.gearman.server.store.jdbc.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Several server app jars ({@code java -jar}) on one real PostgreSQL, with PHP's gearman extension as workers and
 * clients: a server killed with SIGKILL under load has every job it acknowledged run on a survivor within the lease
 * and a few seconds, none twice but those running at the kill; a server cut off from the database (a frozen TCP
 * proxy, not a crash) stops handing its jobs out before the others take them over, and joins again when it gets
 * through; a server that stops cleanly hands its queued jobs over at once; a killed server restarted on its port
 * takes none of its old jobs back twice. And H2 stays with one server: a second one on the same data directory is
 * refused with a message that says so.
 */
class ClusterIT {

	/** The operator's password on every server: the actuator and the dashboard need a user. */
	private static final String PASSWORD = "cluster-ops";

	/** The app's default lease. */
	private static final long LEASE_MILLIS = 5000;

	private static final Pattern POSTGRES_PORT = Pattern.compile("//127\\.0\\.0\\.1:(\\d+)/");

	private static final Pattern TOMCAT_PORT = Pattern.compile("Tomcat started on port (\\d+)");

	@TempDir
	Path dir;

	private final List<AutoCloseable> resources = new ArrayList<>();

	private Path workerScript;

	private Path clientScript;

	@BeforeEach
	void extractScripts() {
		this.workerScript = extract("cluster-worker.php");
		this.clientScript = extract("cluster-client.php");
	}

	@AfterEach
	void stopEverything() throws Exception {
		for (int i = this.resources.size() - 1; i >= 0; i--) {
			this.resources.get(i).close();
		}
	}

	@Test
	void everyJobAcknowledgedByAServerKilledUnderLoadRunsOnASurvivorWithinTheLeaseAndNoneTwiceButThoseRunning() {
		String url = TestDatabase.POSTGRESQL.emptyDatabase();
		List<ServerAppProcess> servers = startServers(url, url, url);
		String all = String.join(",", servers.stream().map(ServerAppProcess::address).toList());
		String function = "cluster-kill";
		List<Path> workerLogs = new ArrayList<>();
		for (int w = 0; w < 4; w++) {
			Path log = this.dir.resolve("worker-" + w + ".log");
			workerLogs.add(log);
			php(this.workerScript, log.toString(), function, "10", all);
		}
		// the workers (about 400 jobs/s) keep up with the clients: jobs flow through every server all the time
		List<Path> acks = new ArrayList<>();
		List<Process> clients = new ArrayList<>();
		for (int s = 0; s < 3; s++) {
			Path out = this.dir.resolve("client-" + s + ".acks");
			acks.add(out);
			clients.add(php(this.clientScript, "127.0.0.1", String.valueOf(servers.get(s).port()), function, "s" + s,
					"1000000", "10", out.toString()));
		}
		// and 500 jobs of a function nobody does yet wait on the server to kill
		ServerAppProcess victim = servers.get(1);
		String queuedFunction = "cluster-kill-queued";
		Path queuedAcks = this.dir.resolve("client-queued.acks");
		php(this.clientScript, "127.0.0.1", String.valueOf(victim.port()), queuedFunction, "q", "500", "0",
				queuedAcks.toString());
		await("500 queued jobs and load on every server", 120, () -> Files.exists(queuedAcks)
				&& read(queuedAcks).contains("done") && acknowledged(acks.get(0)).size() >= 50
				&& acknowledged(acks.get(1)).size() >= 50 && acknowledged(acks.get(2)).size() >= 50);

		long killedAt = System.currentTimeMillis();
		victim.kill();
		// it died somewhere in between; a job it handed out just before may start on its worker a little later,
		// while no survivor can have taken anything over within a second of the kill (the lease is 5 s)
		long deadBy = System.currentTimeMillis() + 1000;
		// workers for those jobs now, on the servers that are left (libgearman's worker does not get past a server
		// it never reached)
		String survivors = servers.get(0).address() + "," + servers.get(2).address();
		for (int w = 0; w < 2; w++) {
			Path log = this.dir.resolve("worker-queued-" + w + ".log");
			workerLogs.add(log);
			php(this.workerScript, log.toString(), queuedFunction, "1", survivors);
		}
		await("the killed server's client to stop", 60, () -> !clients.get(1).isAlive());
		Map<String, String> fromVictim = acknowledged(acks.get(1));
		fromVictim.putAll(acknowledged(queuedAcks));
		String victimScope = scope(fromVictim.values().iterator().next());
		await("every job acknowledged by the killed server to run", 120,
				() -> runs(workerLogs).keySet().containsAll(fromVictim.keySet()));
		Map<String, List<Run>> runs = runs(workerLogs);
		long[] takenOver = fromVictim.keySet().stream().mapToLong((u) -> runs.get(u).get(0).start())
			.filter((start) -> start > deadBy).sorted().toArray();
		assertThat(takenOver.length).as("jobs of the killed server taken over").isGreaterThanOrEqualTo(500);
		long lastTakenOver = takenOver[takenOver.length - 1];
		System.out.printf("%d jobs acknowledged by the killed server, %d of them taken over: they first ran from %d"
				+ " to %d ms after the kill%n", fromVictim.size(), takenOver.length, takenOver[0] - killedAt,
				lastTakenOver - killedAt);
		assertThat(lastTakenOver - killedAt).as("last job of the killed server run, ms after the kill (lease %d ms)",
				LEASE_MILLIS).isLessThan(LEASE_MILLIS + 10_000);
		fromVictim.forEach((unique, handle) -> assertThat(runs.get(unique))
			.as("handles of the runs of %s, acknowledged as %s", unique, handle)
			.allSatisfy((run) -> assertThat(run.handle()).isEqualTo(handle)));

		// the killed server comes back on its port: it joins as a new instance and takes none of its old jobs back
		ServerAppProcess restarted = track(ServerAppProcess.launch(victim.port(), this.dir.resolve("restarted.log"),
				databaseArguments(url))).awaitListening();
		Path afterRestart = this.dir.resolve("client-restarted.acks");
		php(this.clientScript, "127.0.0.1", String.valueOf(restarted.port()), function, "again", "50", "0",
				afterRestart.toString());
		await("jobs submitted to the restarted server to be acknowledged", 60,
				() -> Files.exists(afterRestart) && read(afterRestart).contains("done"));
		clients.forEach(Process::destroyForcibly);
		Set<String> mustRun = new HashSet<>(fromVictim.keySet());
		acks.forEach((file) -> mustRun.addAll(acknowledged(file).keySet()));
		mustRun.addAll(acknowledged(afterRestart).keySet());
		await("every acknowledged job to run", 120, () -> runs(workerLogs).keySet().containsAll(mustRun));
		ServerAppProcess.sleep(2000);

		Map<String, List<Run>> finalRuns = runs(workerLogs);
		Set<String> runningAtKill = new HashSet<>();
		Set<String> finishedJustBefore = new HashSet<>();
		Set<String> twice = new HashSet<>();
		finalRuns.forEach((unique, list) -> {
			Run first = list.get(0);
			if (scope(first.handle()).equals(victimScope) && first.start() <= deadBy) {
				if (first.end() >= killedAt) {
					runningAtKill.add(unique);
				}
				else if (first.end() >= killedAt - 1000) {
					// its delete rides with the next commit, up to 200 ms later: it may not have reached the database
					finishedJustBefore.add(unique);
				}
			}
			if (list.size() > 1) {
				twice.add(unique);
			}
		});
		System.out.printf("%d jobs ran, %d of them twice; at the kill %d jobs of the killed server were running and"
				+ " %d had finished within the last second%n", finalRuns.size(), twice.size(), runningAtKill.size(),
				finishedJustBefore.size());
		Set<String> mayRunTwice = new HashSet<>(runningAtKill);
		mayRunTwice.addAll(finishedJustBefore);
		assertThat(twice).as("jobs run more than once (running at the kill: %s)", runningAtKill)
			.isSubsetOf(mayRunTwice);
		assertThat(restarted.log()).contains("Joined the job store as").doesNotContain("Took over");

		// health and the actuator list the servers: three alive, the killed one expired
		await("the health of the instances", 30, () -> {
			JsonNode instances = actuator(servers.get(0), "/actuator/health/gearmanStore").at("/details/instances");
			List<String> states = new ArrayList<>();
			instances.forEach((instance) -> states.add(instance.get("state").asString()));
			return states.stream().filter("ALIVE"::equals).count() == 3 && states.contains("EXPIRED");
		});
		JsonNode listed = actuator(restarted, "/actuator/gearman").get("instances");
		assertThat(listed).hasSize(4);
		listed.forEach((instance) -> assertThat(instance.has("lastHeartbeat") && instance.has("storedJobs")
				&& instance.has("name")).as("instance %s", instance).isTrue());
		// and the dashboard, with how many jobs each holds
		await("the instances on the dashboard", 30,
				() -> actuator(restarted, "/dashboard/api/overview").at("/store/instances").size() == 4);
		JsonNode shown = actuator(restarted, "/dashboard/api/overview").at("/store/instances");
		shown.forEach((instance) -> assertThat(instance.has("lastHeartbeat") && instance.has("storedJobs")
				&& instance.has("state")).as("instance %s", instance).isTrue());
	}

	/** GET on the app's actuator, on the HTTP port its log names. */
	private static JsonNode actuator(ServerAppProcess server, String path) {
		Matcher port = TOMCAT_PORT.matcher(server.log());
		assertThat(port.find()).as("HTTP port in the log of %s", server.address()).isTrue();
		try {
			HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest
				.newBuilder(URI.create("http://127.0.0.1:" + port.group(1) + path)).timeout(Duration.ofSeconds(10))
				.header("Authorization", "Basic " + Base64.getEncoder()
					.encodeToString(("ops:" + PASSWORD).getBytes(StandardCharsets.UTF_8)))
				.build(), HttpResponse.BodyHandlers.ofString());
			assertThat(response.statusCode()).as("GET %s: %s", path, response.body()).isEqualTo(200);
			return JsonMapper.builder().build().readTree(response.body());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError(ex);
		}
	}

	@Test
	void aServerCutOffFromTheDatabaseStopsHandingOutItsJobsBeforeTheOthersTakeThemOverAndACleanStopHandsOverAtOnce() {
		String url = TestDatabase.POSTGRESQL.emptyDatabase();
		Matcher port = POSTGRES_PORT.matcher(url);
		assertThat(port.find()).as("PostgreSQL port in %s", url).isTrue();
		FreezableTcpProxy proxy = track(new FreezableTcpProxy(Integer.parseInt(port.group(1))));
		String throughProxy = url.replace(":" + port.group(1) + "/", ":" + proxy.port() + "/");
		List<ServerAppProcess> servers = startServers(throughProxy, url, url);
		ServerAppProcess cutOff = servers.get(0);
		String function = "cluster-partition";

		// the same unique ids submitted to two servers: one job each, the second server answers with the first's
		// handles
		Path first = this.dir.resolve("client-first.acks");
		Path second = this.dir.resolve("client-second.acks");
		php(this.clientScript, "127.0.0.1", String.valueOf(servers.get(1).port()), function, "dup", "20", "0",
				first.toString());
		await("20 jobs acknowledged", 60, () -> Files.exists(first) && read(first).contains("done"));
		php(this.clientScript, "127.0.0.1", String.valueOf(servers.get(2).port()), function, "dup", "20", "0",
				second.toString());
		await("the same 20 jobs acknowledged by another server", 60,
				() -> Files.exists(second) && read(second).contains("done"));
		assertThat(acknowledged(second)).as("handles the second server answered with")
			.isEqualTo(acknowledged(first));

		// a worker per server: its log says which server handed each job out
		List<Path> workerLogs = new ArrayList<>();
		List<Process> workers = new ArrayList<>();
		for (ServerAppProcess server : servers) {
			Path log = this.dir.resolve("worker-" + server.port() + ".log");
			workerLogs.add(log);
			workers.add(php(this.workerScript, log.toString(), function, "50", server.address()));
		}
		Path acks = this.dir.resolve("client-cut-off.acks");
		php(this.clientScript, "127.0.0.1", String.valueOf(cutOff.port()), function, "p", "300", "0", acks.toString());
		await("300 jobs acknowledged", 120, () -> Files.exists(acks) && read(acks).contains("done"));
		Set<String> stored = acknowledged(acks).keySet();
		await("the server to hand jobs out", 60, () -> runs(List.of(workerLogs.get(0))).size() >= 20);

		long frozenAt = System.currentTimeMillis();
		proxy.freeze();
		await("every job to run", 120, () -> runs(workerLogs).keySet().containsAll(stored));
		assertThat(runs(workerLogs)).as("runs of the jobs submitted to two servers").allSatisfy((unique, list) -> {
			if (unique.startsWith("dup-")) {
				assertThat(list).hasSize(1);
			}
		});
		long lastByCutOff = runs(List.of(workerLogs.get(0))).values().stream()
			.flatMap(List::stream).mapToLong(Run::start).max().orElseThrow();
		long firstBySurvivors = runs(workerLogs.subList(1, 3)).entrySet().stream()
			.filter((entry) -> stored.contains(entry.getKey()))
			.flatMap((entry) -> entry.getValue().stream())
			.mapToLong(Run::start)
			.min()
			.orElseThrow();
		System.out.printf("cut off at 0 ms: the server handed out its last stored job at %d ms, the others their"
				+ " first of its jobs at %d ms%n", lastByCutOff - frozenAt, firstBySurvivors - frozenAt);
		assertThat(lastByCutOff).as("last hand-out by the cut-off server, before the survivors' first")
			.isLessThan(firstBySurvivors);
		assertThat(cutOff.log()).contains("Ownership of the stored jobs not proven any more");

		// it gets through again: it learns that it lost its jobs, forgets them and serves again as a new instance
		proxy.thaw();
		await("the cut-off server to join again", 60, () -> cutOff.log().contains("Joined the job store again as"));
		Path again = this.dir.resolve("client-again.acks");
		php(this.clientScript, "127.0.0.1", String.valueOf(cutOff.port()), function, "again", "20", "0",
				again.toString());
		await("jobs after the partition to be acknowledged and run", 60, () -> Files.exists(again)
				&& read(again).contains("done") && runs(workerLogs).keySet().containsAll(acknowledged(again).keySet()));

		// a clean stop: its queued jobs are released and taken over at once, not after the lease
		ServerAppProcess leaving = servers.get(2);
		workers.get(2).destroyForcibly();
		Path queued = this.dir.resolve("client-leaving.acks");
		php(this.clientScript, "127.0.0.1", String.valueOf(leaving.port()), function, "leave", "50", "0",
				queued.toString());
		await("50 jobs queued on the server to stop", 60, () -> Files.exists(queued) && read(queued).contains("done"));
		long stoppedAt = System.currentTimeMillis();
		leaving.stop();
		Set<String> left = acknowledged(queued).keySet();
		await("the stopped server's jobs to run", 60, () -> runs(workerLogs).keySet().containsAll(left));
		long[] starts = runs(workerLogs).entrySet().stream().filter((entry) -> left.contains(entry.getKey()))
			.mapToLong((entry) -> entry.getValue().get(0).start()).sorted().toArray();
		System.out.printf("stopped at 0 ms: its queued jobs ran from %d to %d ms (50 jobs of 50 ms, 2 workers)%n",
				starts[0] - stoppedAt, starts[starts.length - 1] - stoppedAt);
		assertThat(starts[0] - stoppedAt).as("first queued job of the stopped server run, ms after SIGTERM")
			.isLessThan(LEASE_MILLIS);
		assertThat(leaving.log()).contains("Released").contains("Left the job store");
		assertThat(runs(workerLogs)).as("runs of the released jobs").allSatisfy((unique, list) -> {
			if (left.contains(unique)) {
				assertThat(list).hasSize(1);
			}
		});
	}

	@Test
	void aSecondServerOnTheSameH2DataDirectoryIsRefusedWithAClearMessage() {
		String dataDir = "--gearman.server.data-dir=" + this.dir.resolve("data");
		track(ServerAppProcess.launch(ServerAppProcess.freePort(), this.dir.resolve("first.log"), dataDir))
			.awaitListening();
		ServerAppProcess second = track(
				ServerAppProcess.launch(ServerAppProcess.freePort(), this.dir.resolve("second.log"), dataDir));
		assertThat(second.awaitExit()).as("exit code of the second server").isNotZero();
		assertThat(second.log()).contains("Another process uses this H2 database file, another Gearman job server on"
				+ " the same data directory perhaps")
			.contains("(expected: one server per H2 database; servers that share their jobs need PostgreSQL or"
					+ " MySQL/MariaDB)");
	}

	private List<ServerAppProcess> startServers(String... urls) {
		List<ServerAppProcess> servers = new ArrayList<>();
		for (int i = 0; i < urls.length; i++) {
			servers.add(track(ServerAppProcess.launch(ServerAppProcess.freePort(),
					this.dir.resolve("server-" + i + ".log"), databaseArguments(urls[i]))));
		}
		servers.forEach(ServerAppProcess::awaitListening);
		return servers;
	}

	private static String[] databaseArguments(String url) {
		return new String[] { "--spring.datasource.url=" + url, "--spring.datasource.username=gearman",
				"--spring.datasource.password=gearman", "--gearman.server.http.users.ops.password={noop}" + PASSWORD,
				"--gearman.server.http.users.ops.roles=operator" };
	}

	/** The unique ids a client got JOB_CREATED for, with the handles. */
	private static Map<String, String> acknowledged(Path acks) {
		Map<String, String> handles = new LinkedHashMap<>();
		if (!Files.exists(acks)) {
			return handles;
		}
		for (String line : read(acks).split("\n")) {
			String[] parts = line.split(" ");
			if (parts.length == 3 && parts[0].equals("ack")) {
				handles.put(parts[1], parts[2]);
			}
		}
		return handles;
	}

	/** Every run the workers logged, per unique id, in start order. */
	private static Map<String, List<Run>> runs(List<Path> logs) {
		Map<String, List<Run>> runs = new HashMap<>();
		for (Path log : logs) {
			if (!Files.exists(log)) {
				continue;
			}
			for (String line : read(log).split("\n")) {
				String[] parts = line.split(" ");
				if (parts.length == 4) {
					runs.computeIfAbsent(parts[0], (u) -> new ArrayList<>())
						.add(new Run(parts[1], Long.parseLong(parts[2]), Long.parseLong(parts[3])));
				}
			}
		}
		runs.values().forEach((list) -> list.sort((a, b) -> Long.compare(a.start(), b.start())));
		return runs;
	}

	/** The scope of a handle {@code H:host:scope:n}: which server (and start of it) issued it. */
	private static String scope(String handle) {
		String[] parts = handle.split(":");
		return parts[parts.length - 2];
	}

	private Process php(Path script, String... arguments) {
		List<String> command = new ArrayList<>(List.of("php", script.toString()));
		command.addAll(List.of(arguments));
		try {
			Path output = Files.createTempFile(this.dir, "php-", ".txt");
			Process process = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(output.toFile())
				.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
				.start();
			this.resources.add(process::destroyForcibly);
			return process;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private <T extends AutoCloseable> T track(T resource) {
		this.resources.add(resource);
		return resource;
	}

	private Path extract(String name) {
		try (InputStream in = ClusterIT.class.getResourceAsStream("/cluster/" + name)) {
			assertThat(in).as("cluster/%s on the test classpath", name).isNotNull();
			Path target = this.dir.resolve(name);
			Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
			return target;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static String read(Path file) {
		try {
			return Files.readString(file);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static void await(String what, int seconds, BooleanSupplier condition) {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
		while (!condition.getAsBoolean()) {
			if (System.nanoTime() > deadline) {
				fail("timed out after " + seconds + " s waiting for " + what);
			}
			ServerAppProcess.sleep(50);
		}
	}

	/**
	 * One run of a job on a worker.
	 *
	 * @param handle the handle the worker got it under
	 * @param start when it started, epoch milliseconds
	 * @param end when it ended, epoch milliseconds
	 */
	record Run(String handle, long start, long end) {
	}

}
