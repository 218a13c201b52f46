package dev.gearman.spring.test;

import java.lang.reflect.Type;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import dev.gearman.connection.ServerAddress;
import dev.gearman.spring.core.GearmanPayloadConverter;
import dev.gearman.spring.core.GearmanWorkerContainer;
import dev.gearman.spring.core.GearmanWorkerContainerFactory;
import dev.gearman.worker.FunctionRegistration;
import dev.gearman.worker.JobContext;
import org.jspecify.annotations.Nullable;

/**
 * Runs the application's {@code @GearmanFunction} handlers in the test itself, without a job server: it stands in
 * for the worker that would take jobs from the servers ({@link GearmanWorkerContainerFactory}), keeps the handlers
 * the registry gives it, and lets the test call them. Handlers run on the test's thread, with their parameters and
 * result converted as for a real job, measured as a real job is, and their exceptions thrown as they are. Registered
 * by {@link InProcessGearmanWorker}.
 * <pre class="code">
 * assertThat(worker.call("reverse", "Hello", String.class)).isEqualTo("olleH");
 * </pre>
 */
public final class TestGearmanWorker implements GearmanWorkerContainerFactory, GearmanWorkerContainer {

	private final Map<String, FunctionRegistration> functions = new ConcurrentHashMap<>();

	private final GearmanPayloadConverter converter;

	private final AtomicInteger inFlight = new AtomicInteger();

	private final AtomicInteger handles = new AtomicInteger();

	/**
	 * Creates the stand-in.
	 * @param converter converts workloads and results in {@link #call(String, Object, Type)}
	 */
	public TestGearmanWorker(GearmanPayloadConverter converter) {
		this.converter = converter;
	}

	@Override
	public GearmanWorkerContainer createContainer() {
		return this;
	}

	@Override
	public void register(FunctionRegistration registration) {
		if (this.functions.putIfAbsent(registration.name(), registration) != null) {
			throw new IllegalStateException("function '" + registration.name() + "' is already registered");
		}
	}

	@Override
	public void start() {
	}

	@Override
	public boolean stop(Duration timeout) {
		return true;
	}

	@Override
	public Map<ServerAddress, Boolean> connectivity() {
		return Map.of();
	}

	@Override
	public int inFlight() {
		return this.inFlight.get();
	}

	/**
	 * The functions the application's handlers serve.
	 * @return their names, sorted
	 */
	public Set<String> functions() {
		return new TreeSet<>(this.functions.keySet());
	}

	/**
	 * Runs a function's handler on a job.
	 * @param job the job, e.g. built with {@link JobContext#builder(String)} and a {@link RecordingReporter}
	 * @return the result bytes
	 * @throws Exception what the handler threw, e.g. a {@code FailJobException}
	 */
	public byte[] execute(JobContext job) throws Exception {
		FunctionRegistration registration = this.functions.get(job.function());
		if (registration == null) {
			throw new IllegalArgumentException("function: '" + job.function() + "' (expected: one of " + functions()
					+ ")");
		}
		this.inFlight.incrementAndGet();
		try {
			byte[] result = registration.handler().execute(job);
			return (result != null) ? result : new byte[0];
		}
		finally {
			this.inFlight.decrementAndGet();
		}
	}

	/**
	 * Calls a function as a client would, converting the workload and the result.
	 * @param <T> the result type
	 * @param function the function
	 * @param payload the workload: {@code byte[]}, {@code String} or an object written as JSON
	 * @param resultType the result type
	 * @return the result
	 * @throws Exception what the handler threw
	 */
	public <T> @Nullable T call(String function, @Nullable Object payload, Class<T> resultType) throws Exception {
		return call(function, payload, (Type) resultType);
	}

	/**
	 * Calls a function as a client would, converting the workload and the result to a generic type.
	 * @param <T> the result type
	 * @param function the function
	 * @param payload the workload: {@code byte[]}, {@code String} or an object written as JSON
	 * @param resultType the result type, e.g. of a {@code List<Invoice>}
	 * @return the result
	 * @throws Exception what the handler threw
	 */
	public <T> @Nullable T call(String function, @Nullable Object payload, Type resultType) throws Exception {
		JobContext job = JobContext.builder(function)
			.payload(this.converter.toBytes(payload))
			.handle("H:test:" + this.handles.incrementAndGet())
			.build();
		byte[] result = execute(job);
		return (resultType == Void.class || resultType == void.class) ? null : this.converter.fromBytes(result, resultType);
	}

}
