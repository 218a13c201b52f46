package dev.gearman.spring.test;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Predicate;

import dev.gearman.client.JobHandle;
import dev.gearman.spring.core.JobHandlerDecorator;
import dev.gearman.worker.JobHandler;
import org.jspecify.annotations.Nullable;

/**
 * Captures every job the application's {@code @GearmanFunction} handlers run (function, handle, unique id, workload,
 * result or exception), and waits for them, in the spirit of Spring AMQP's {@code RabbitListenerTestHarness}:
 * <pre class="code">
 * JobHandle job = invoices.send(invoice);                            // a background job
 * GearmanTestHarness.Execution done = harness.awaitJob(job, Duration.ofSeconds(10));
 * assertThat(done.failure()).isNull();
 * </pre>
 * Waiting is event-driven: it returns as soon as the handler has returned or thrown (its WORK_COMPLETE or WORK_FAIL
 * may still be on its way to the server). Jobs finished before the test asks count too; the last
 * {@value #MAX_EXECUTIONS} are kept. Registered by {@link EnableGearmanTestHarness}; it decorates the handlers of
 * this application's {@code @GearmanFunction} methods, so it sees their jobs only.
 */
public final class GearmanTestHarness implements JobHandlerDecorator {

	/** How many finished executions are kept. */
	public static final int MAX_EXECUTIONS = 10_000;

	private final Deque<Execution> executions = new ArrayDeque<>();

	GearmanTestHarness() {
	}

	@Override
	public JobHandler decorate(String function, JobHandler handler) {
		return (job) -> {
			try {
				byte[] result = handler.execute(job);
				finished(new Execution(job.function(), job.handle(), job.unique(), job.payload().clone(), result,
						null));
				return result;
			}
			catch (Exception | Error ex) {
				finished(new Execution(job.function(), job.handle(), job.unique(), job.payload().clone(), null, ex));
				throw ex;
			}
		};
	}

	/**
	 * Waits until a job, e.g. a background job this test submitted, has run on one of this application's workers.
	 * @param job the job's handle
	 * @param timeout how long to wait
	 * @return its execution
	 * @throws AssertionError if it did not run in time
	 */
	public Execution awaitJob(JobHandle job, Duration timeout) {
		return await((execution) -> execution.handle().equals(job.handle()), timeout, "job " + job);
	}

	/**
	 * Waits until a function has run a given number of times in all, counting runs before the call.
	 * @param function the function
	 * @param count how many runs
	 * @param timeout how long to wait
	 * @return its executions, oldest first
	 * @throws AssertionError if they did not all happen in time
	 */
	public List<Execution> awaitExecutions(String function, int count, Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		synchronized (this.executions) {
			while (executions(function).size() < count) {
				long left = deadline - System.nanoTime();
				if (left <= 0) {
					throw new AssertionError(count + " executions of '" + function + "' did not finish within "
							+ timeout + "; finished: " + executions(function));
				}
				waitFor(left);
			}
			return executions(function);
		}
	}

	/**
	 * The finished executions of a function, oldest first.
	 * @param function the function
	 * @return the executions
	 */
	public List<Execution> executions(String function) {
		synchronized (this.executions) {
			List<Execution> found = new ArrayList<>();
			for (Execution execution : this.executions) {
				if (execution.function().equals(function)) {
					found.add(execution);
				}
			}
			return found;
		}
	}

	/**
	 * Forgets every execution captured so far, e.g. between tests that share a context.
	 */
	public void reset() {
		synchronized (this.executions) {
			this.executions.clear();
		}
	}

	private Execution await(Predicate<Execution> match, Duration timeout, String what) {
		long deadline = System.nanoTime() + timeout.toNanos();
		synchronized (this.executions) {
			while (true) {
				for (Execution execution : this.executions) {
					if (match.test(execution)) {
						return execution;
					}
				}
				long left = deadline - System.nanoTime();
				if (left <= 0) {
					throw new AssertionError(what + " did not run on this application's workers within " + timeout);
				}
				waitFor(left);
			}
		}
	}

	/** Waits on the executions' monitor, which the caller holds. */
	private void waitFor(long nanos) {
		try {
			this.executions.wait(Math.max(1, nanos / 1_000_000));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError("interrupted while waiting for Gearman jobs", ex);
		}
	}

	private void finished(Execution execution) {
		synchronized (this.executions) {
			if (this.executions.size() == MAX_EXECUTIONS) {
				this.executions.removeFirst();
			}
			this.executions.addLast(execution);
			this.executions.notifyAll();
		}
	}

	/**
	 * One job a handler ran.
	 *
	 * @param function the function
	 * @param handle the job handle
	 * @param unique the unique id, empty if none
	 * @param payload the workload
	 * @param result what the handler returned, {@code null} if it threw
	 * @param failure what it threw, {@code null} if it returned
	 */
	public record Execution(String function, String handle, String unique, byte[] payload, byte @Nullable [] result,
			@Nullable Throwable failure) {

		@Override
		public String toString() {
			return "'" + this.function + "' " + this.handle + ((this.failure != null) ? " threw " + this.failure
					: " returned " + ((this.result != null) ? this.result.length : 0) + " bytes");
		}

	}

}
