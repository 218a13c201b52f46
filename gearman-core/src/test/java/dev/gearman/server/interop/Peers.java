package dev.gearman.server.interop;

import java.io.File;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import dev.gearman.server.RawConnection;
import dev.gearman.server.TestServers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

/**
 * The real peers the interop tests drive against one server: the {@code gearman} and {@code gearadmin} CLIs
 * (Debian gearman-tools), PHP with the gearman extension (php-cli, php-gearman), and raw sockets. Every process
 * and connection made through an instance is closed by {@link #close()}, which the tests call after each test.
 */
public final class Peers implements AutoCloseable {

	/** The address of the servers the peers talk to. */
	public static final String HOST = TestServers.HOST;

	/** Upper bound for any one external process. */
	static final Duration PROCESS_TIMEOUT = Duration.ofSeconds(30);

	static final Duration AWAIT = Duration.ofSeconds(15);

	private static final String RUN_ID = UUID.randomUUID().toString().substring(0, 8);

	private static final AtomicInteger counter = new AtomicInteger();

	private final int port;

	private final Path dir;

	private final Deque<AutoCloseable> resources = new ArrayDeque<>();

	/**
	 * Peers of one server.
	 * @param port the server's loopback port
	 * @param dir where process output goes
	 */
	public Peers(int port, Path dir) {
		this.port = port;
		this.dir = dir;
	}

	static void requireGearmanTools() {
		requireExecutable("gearman", "gearman-tools");
		requireExecutable("gearadmin", "gearman-tools");
	}

	static void requirePhpGearman() {
		requireExecutable("php", "php-cli");
		try (ExternalProcess check = ExternalProcess.start(
				List.of("php", "-r", "exit(class_exists('GearmanClient') && class_exists('GearmanWorker') ? 0 : 1);"),
				null, Path.of(System.getProperty("java.io.tmpdir")))) {
			if (check.awaitExit(PROCESS_TIMEOUT) != 0) {
				fail("PHP has no gearman extension (classes GearmanClient/GearmanWorker missing): install the Debian"
						+ " package php-gearman (apt-get install php-gearman; scripts/test-all.sh does this)\n"
						+ check.describe());
			}
		}
	}

	private static void requireExecutable(String name, String debianPackage) {
		String path = System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
		for (String entry : path.split(File.pathSeparator)) {
			if (!entry.isEmpty() && Files.isExecutable(Path.of(entry, name))) {
				return;
			}
		}
		fail("'" + name + "' is not on the PATH (" + path + "): the interop tests need the Debian package "
				+ debianPackage + " (apt-get install " + debianPackage + "; scripts/test-all.sh does this)");
	}

	/**
	 * A function name no other test uses.
	 * @param prefix what the name starts with
	 * @return the name
	 */
	public static String uniqueFunction(String prefix) {
		return prefix + "-" + RUN_ID + "-" + counter.incrementAndGet();
	}

	List<String> gearman(String... args) {
		List<String> command = new ArrayList<>(List.of("gearman", "-h", HOST, "-p", String.valueOf(this.port)));
		command.addAll(List.of(args));
		return command;
	}

	ExternalProcess spawn(List<String> command) {
		return spawn(command, null);
	}

	ExternalProcess spawn(List<String> command, Path stdin) {
		ExternalProcess process = ExternalProcess.start(command, stdin, this.dir);
		this.resources.push(process);
		return process;
	}

	/** Runs a command to a successful end and returns it for its output. */
	ExternalProcess run(List<String> command, Path stdin) {
		return spawn(command, stdin).awaitSuccess(PROCESS_TIMEOUT);
	}

	/** Runs gearadmin to a zero exit code (it exits with 0 even when it prints the server's ERR on stderr). */
	ExternalProcess gearadminProcess(String... args) {
		List<String> command = new ArrayList<>(List.of("gearadmin", "-h", HOST, "-p", String.valueOf(this.port)));
		command.addAll(List.of(args));
		return run(command, null);
	}

	/** Runs gearadmin and returns what it printed on stdout; fails unless it exits with 0 and prints no error. */
	String gearadmin(String... args) {
		ExternalProcess process = gearadminProcess(args);
		assertThat(process.stderr()).as("stderr of %s", process.describe()).isEmpty();
		return process.stdout();
	}

	/** Starts {@code interop/php-worker.php MODE FUNCTION key=value...}. */
	ExternalProcess phpWorker(String mode, String function, String... options) {
		List<String> command = new ArrayList<>(
				List.of("php", script("php-worker.php"), HOST, String.valueOf(this.port), mode, function));
		command.addAll(List.of(options));
		return spawn(command);
	}

	/** Starts {@code interop/php-client.php MODE ARGS...} without waiting for it. */
	ExternalProcess phpClientAsync(String mode, String... args) {
		List<String> command = new ArrayList<>(
				List.of("php", script("php-client.php"), HOST, String.valueOf(this.port), mode));
		command.addAll(List.of(args));
		return spawn(command);
	}

	/** Runs the PHP client to its end and returns its {@code key=value} lines. */
	Map<String, List<String>> phpClient(String mode, String... args) {
		return phpResult(phpClientAsync(mode, args));
	}

	/** Waits for a PHP client and parses its {@code key=value} output lines; repeated keys collect in order. */
	static Map<String, List<String>> phpResult(ExternalProcess client) {
		client.awaitSuccess(PROCESS_TIMEOUT);
		Map<String, List<String>> result = new LinkedHashMap<>();
		for (String line : client.stdout().split("\n")) {
			int eq = line.indexOf('=');
			if (eq > 0) {
				result.computeIfAbsent(line.substring(0, eq), (key) -> new ArrayList<>()).add(line.substring(eq + 1));
			}
		}
		assertThat(result).as("output of %s", client.describe()).isNotEmpty();
		return result;
	}

	static String one(Map<String, List<String>> result, String key) {
		List<String> values = result.get(key);
		assertThat(values).as("'%s' in %s", key, result).isNotNull().hasSize(1);
		return values.get(0);
	}

	private static String script(String name) {
		URL url = Peers.class.getResource("/interop/" + name);
		assertThat(url).as("test resource interop/%s", name).isNotNull();
		try {
			return Path.of(url.toURI()).toString();
		}
		catch (URISyntaxException ex) {
			throw new IllegalStateException(ex);
		}
	}

	RawConnection connect() {
		RawConnection connection = RawConnection.open(HOST, this.port);
		this.resources.push(connection);
		return connection;
	}

	RawConnection worker(String clientId, String... functions) {
		RawConnection worker = RawConnection.worker(HOST, this.port, clientId, functions);
		this.resources.push(worker);
		return worker;
	}

	/**
	 * One admin command on its own connection.
	 * @param line the command, e.g. {@code workers}
	 * @param list whether the reply is a list ending in a line with a single dot
	 * @return the reply
	 */
	public String admin(String line, boolean list) {
		try (RawConnection admin = RawConnection.open(HOST, this.port)) {
			return admin.admin(line, list);
		}
	}

	/** The {@code status} line of a function without its name: {@code TOTAL\tRUNNING\tWORKERS}. */
	Optional<String> status(String function) {
		String prefix = function + "\t";
		return admin("status", true).lines()
			.filter((line) -> line.startsWith(prefix))
			.map((line) -> line.substring(prefix.length()))
			.findFirst();
	}

	/** Waits until a function's {@code status} line reads as given. */
	void awaitStatus(String function, int total, int running, int workers) {
		String expected = total + "\t" + running + "\t" + workers;
		await("status of " + function + " = " + expected).atMost(AWAIT)
			.pollInterval(Duration.ofMillis(20))
			.until(() -> status(function).orElse(""), expected::equals);
	}

	/** Waits until a function has the given number of registered workers. */
	void awaitWorkers(String function, int workers) {
		await(workers + " workers for " + function).atMost(AWAIT)
			.pollInterval(Duration.ofMillis(20))
			.until(() -> status(function).map((s) -> s.substring(s.lastIndexOf('\t') + 1)).orElse(""),
					String.valueOf(workers)::equals);
	}

	/** Kills every process and closes every connection this instance made, newest first. */
	@Override
	public void close() {
		while (!this.resources.isEmpty()) {
			try {
				this.resources.pop().close();
			}
			catch (Exception ex) {
				// keep closing the others
			}
		}
	}

}
