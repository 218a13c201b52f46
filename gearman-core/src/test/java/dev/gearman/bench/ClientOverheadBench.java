package dev.gearman.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.gearman.client.GearmanClient;
import dev.gearman.client.GearmanClientSettings;
import dev.gearman.client.JobRequest;

/**
 * Measures our client's own overhead against a running job server, with the same kind of C echo workers (on
 * libgearman) and the same workloads as the {@code fg}, {@code bgq} and {@code bg} phases of the C bench in
 * {@code ../shared/tools/bench}, so the figures can be put next to the C client's:
 * <ul>
 * <li>{@code fg}: C threads, each with a client (one connection) of its own, each running K sequential
 * foreground jobs with 16-byte payloads through W echo workers: round trips per second and latency;</li>
 * <li>{@code fg_shared}: the same C threads sharing one client, i.e. one pipelined connection;</li>
 * <li>{@code bgq}: N background submissions in batches of B with no worker connected: the pure enqueue rate;</li>
 * <li>{@code bg}: the same with W workers running, until the workers have done all N.</li>
 * </ul>
 * Output is {@code key=value} lines like the C bench's. Not a test: run it by hand, see
 * {@code /work/notes/issue3-client-overhead.md} or {@code scripts/client-overhead-bench.sh}.
 * <p>
 * usage: {@code ClientOverheadBench HOST PORT [--jobs N] [--batch B] [--workers W] [--clients C] [--fg-count K]}
 */
public final class ClientOverheadBench {

	private final String host;

	private final int port;

	private long jobs = 100_000;

	private int batch = 1000;

	private int workers = 2;

	private int clients = 4;

	private int fgCount = 10_000;

	private final Path workerBinary;

	private ClientOverheadBench(String[] args) throws IOException, InterruptedException {
		this.host = args[0];
		this.port = Integer.parseInt(args[1]);
		for (int i = 2; i + 1 < args.length; i += 2) {
			long value = Long.parseLong(args[i + 1]);
			switch (args[i]) {
				case "--jobs" -> this.jobs = value;
				case "--batch" -> this.batch = (int) value;
				case "--workers" -> this.workers = (int) value;
				case "--clients" -> this.clients = (int) value;
				case "--fg-count" -> this.fgCount = (int) value;
				default -> throw new IllegalArgumentException("unknown option " + args[i]);
			}
		}
		this.workerBinary = buildEchoWorker();
	}

	public static void main(String[] args) throws Exception {
		if (args.length < 2) {
			System.err.println("usage: ClientOverheadBench HOST PORT [--jobs N] [--batch B] [--workers W]"
					+ " [--clients C] [--fg-count K]");
			System.exit(2);
		}
		ClientOverheadBench bench = new ClientOverheadBench(args);
		System.out.println("java_version=" + System.getProperty("java.version"));
		System.out.println("nproc=" + Runtime.getRuntime().availableProcessors());
		bench.warmUp();
		bench.foreground("fg", false);
		bench.foreground("fg_shared", true);
		bench.background("bgq", false);
		bench.background("bg", true);
		System.out.println("result=ok");
	}

	/** Compiles the echo worker (test resource bench/echo-worker.c) with gcc, once per source version. */
	private static Path buildEchoWorker() throws IOException, InterruptedException {
		byte[] source;
		try (InputStream in = ClientOverheadBench.class.getResourceAsStream("/bench/echo-worker.c")) {
			source = in.readAllBytes();
		}
		Path dir = Path.of(System.getProperty("java.io.tmpdir"), "gearman-java-bench-" + ProcessHandle.current().pid());
		Files.createDirectories(dir);
		Path c = dir.resolve("echo-worker.c");
		Files.write(c, source);
		Path binary = dir.resolve("echo-worker-" + Integer.toHexString(Arrays.hashCode(source)));
		if (!Files.isExecutable(binary)) {
			Process gcc = new ProcessBuilder("gcc", "-O2", "-o", binary + ".tmp", c.toString(), "-lgearman")
				.inheritIO()
				.start();
			if (gcc.waitFor() != 0) {
				throw new IllegalStateException("gcc failed (needs gcc and libgearman-dev)");
			}
			Files.move(Path.of(binary + ".tmp"), binary, StandardCopyOption.REPLACE_EXISTING);
		}
		return binary;
	}

	private List<Process> startWorkers(String function) throws IOException {
		List<Process> started = new ArrayList<>();
		for (int i = 0; i < this.workers; i++) {
			started.add(new ProcessBuilder(this.workerBinary.toString(), this.host, String.valueOf(this.port), function)
				.redirectOutput(ProcessBuilder.Redirect.DISCARD)
				.redirectError(ProcessBuilder.Redirect.INHERIT)
				.start());
		}
		return started;
	}

	private static void stopWorkers(List<Process> started) throws InterruptedException {
		for (Process process : started) {
			process.destroy();
		}
		for (Process process : started) {
			if (!process.waitFor(5, TimeUnit.SECONDS)) {
				process.destroyForcibly();
			}
		}
	}

	private GearmanClient newClient() {
		return new GearmanClient(GearmanClientSettings.of(this.host + ":" + this.port));
	}

	private String function(String tag) {
		return "javabench_" + tag + "_" + ProcessHandle.current().pid();
	}

	/** A short untimed run of every code path, so the timed phases measure compiled code, as the C bench does. */
	private void warmUp() throws Exception {
		String function = function("warmup");
		List<Process> started = startWorkers(function);
		try (GearmanClient client = newClient()) {
			for (int round = 0; round < 5; round++) {
				List<CompletableFuture<byte[]>> futures = new ArrayList<>();
				for (int i = 0; i < 2000; i++) {
					futures.add(client.submit(JobRequest.of(function, "warm-" + i).withUnique("w-" + round + "-" + i)));
				}
				CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
				for (int i = 0; i < 2000; i++) {
					client.submit(JobRequest.of(function, "warm")).get(10, TimeUnit.SECONDS);
				}
				List<JobRequest> background = new ArrayList<>();
				for (int i = 0; i < 2000; i++) {
					background.add(JobRequest.of(function, "warm-bg").withUnique("wb-" + round + "-" + i));
				}
				client.submitAllBackground(background).get(60, TimeUnit.SECONDS);
			}
		}
		finally {
			stopWorkers(started);
		}
	}

	private void foreground(String tag, boolean shared) throws Exception {
		String function = function(tag);
		List<Process> started = startWorkers(function);
		Thread.sleep(300); // as the C bench: let the workers register
		byte[] payload = "0123456789abcdef".getBytes();
		double[][] latencies = new double[this.clients][this.fgCount];
		List<GearmanClient> opened = new ArrayList<>();
		GearmanClient sharedClient = shared ? newClient() : null;
		if (sharedClient != null) {
			opened.add(sharedClient);
		}
		List<Thread> threads = new ArrayList<>();
		List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
		for (int c = 0; c < this.clients; c++) {
			GearmanClient client = shared ? sharedClient : newClient();
			if (!shared) {
				opened.add(client);
			}
			int index = c;
			threads.add(new Thread(() -> {
				try {
					for (int i = 0; i < this.fgCount; i++) {
						long t0 = System.nanoTime();
						byte[] result = client
							.submit(JobRequest.of(function, payload).withUnique(function + "-" + index + "-" + i))
							.get(30, TimeUnit.SECONDS);
						latencies[index][i] = (System.nanoTime() - t0) / 1000.0;
						if (!Arrays.equals(result, payload)) {
							throw new IllegalStateException("echo mismatch");
						}
					}
				}
				catch (Throwable ex) {
					failures.add(ex);
				}
			}, "bench-client-" + c));
		}
		long t0 = System.nanoTime();
		threads.forEach(Thread::start);
		for (Thread thread : threads) {
			thread.join();
		}
		double wall = (System.nanoTime() - t0) / 1e9;
		opened.forEach(GearmanClient::close);
		stopWorkers(started);
		if (!failures.isEmpty()) {
			throw new IllegalStateException(tag + " failed", failures.get(0));
		}
		double[] all = Arrays.stream(latencies).flatMapToDouble(Arrays::stream).sorted().toArray();
		double sum = Arrays.stream(all).sum();
		print(tag + "_clients", this.clients);
		print(tag + "_connections", shared ? 1 : this.clients);
		print(tag + "_workers", this.workers);
		print(tag + "_jobs", all.length);
		print(tag + "_seconds", String.format(Locale.ROOT, "%.3f", wall));
		print(tag + "_jobs_per_s", String.format(Locale.ROOT, "%.1f", all.length / wall));
		print(tag + "_latency_avg_us", Math.round(sum / all.length));
		print(tag + "_latency_p50_us", Math.round(percentile(all, 50)));
		print(tag + "_latency_p99_us", Math.round(percentile(all, 99)));
		print(tag + "_latency_max_us", Math.round(all[all.length - 1]));
	}

	private void background(String tag, boolean workersFirst) throws Exception {
		String function = function(tag);
		List<Process> started = workersFirst ? startWorkers(function) : List.of();
		if (workersFirst) {
			Thread.sleep(300);
		}
		try (GearmanClient client = newClient()) {
			long t0 = System.nanoTime();
			for (long first = 0; first < this.jobs; first += this.batch) {
				List<JobRequest> requests = new ArrayList<>(this.batch);
				for (long i = first; i < Math.min(this.jobs, first + this.batch); i++) {
					requests.add(JobRequest.of(function, "job-" + i).withUnique(function + "-" + i));
				}
				client.submitAllBackground(requests).get(60, TimeUnit.SECONDS);
			}
			double submit = (System.nanoTime() - t0) / 1e9;
			print(tag + "_jobs", this.jobs);
			print(tag + "_batch", this.batch);
			print(tag + "_workers", workersFirst ? this.workers : 0);
			print(tag + "_submit_seconds", String.format(Locale.ROOT, "%.3f", submit));
			print(tag + "_submit_jobs_per_s", Math.round(this.jobs / submit));
		}
		if (!workersFirst) {
			// drain what was queued, so the server is left as found
			started = startWorkers(function);
			awaitDrained(function);
		}
		stopWorkers(started);
	}

	/** Polls the admin {@code status} until the function's queue is empty. */
	private void awaitDrained(String function) throws Exception {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
		while (System.nanoTime() < deadline) {
			try (java.net.Socket socket = new java.net.Socket(this.host, this.port)) {
				socket.getOutputStream().write("status\n".getBytes());
				java.io.BufferedReader reader = new java.io.BufferedReader(
						new java.io.InputStreamReader(socket.getInputStream()));
				String line;
				boolean queued = false;
				while ((line = reader.readLine()) != null && !line.equals(".")) {
					String[] fields = line.split("\t");
					if (fields[0].equals(function) && !fields[1].equals("0")) {
						queued = true;
					}
				}
				if (!queued) {
					return;
				}
			}
			Thread.sleep(200);
		}
	}

	private static double percentile(double[] sorted, double p) {
		return sorted[(int) Math.round(p / 100.0 * (sorted.length - 1))];
	}

	private static void print(String key, Object value) {
		System.out.println(key + "=" + value);
	}

}
