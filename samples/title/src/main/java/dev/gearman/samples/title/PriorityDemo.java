package dev.gearman.samples.title;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import dev.gearman.client.JobHandle;
import dev.gearman.client.JobPriority;
import dev.gearman.spring.core.GearmanTemplate;
import dev.gearman.spring.core.GearmanWorkerRegistry;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.stereotype.Component;

/**
 * Queues background {@code title} jobs at low, normal and high priority while no worker is running, then starts
 * the worker: it runs the high priority jobs first, then normal, then low, and in submission order within a
 * priority.
 */
@Component
public class PriorityDemo implements ApplicationRunner {

	private final GearmanTemplate gearman;

	private final GearmanWorkerRegistry worker;

	private final TitleBoard board;

	public PriorityDemo(GearmanTemplate gearman, GearmanWorkerRegistry worker, TitleBoard board) {
		this.gearman = gearman;
		this.worker = worker;
		this.board = board;
	}

	@Override
	public void run(ApplicationArguments args) throws InterruptedException {
		this.worker.stop(); // no worker: the jobs wait in the server's queue
		List<JobHandle> jobs = new ArrayList<>();
		jobs.add(queue("a LOW priority job, queued first", JobPriority.LOW));
		jobs.add(queue("a NORMAL priority job, queued second", JobPriority.NORMAL));
		jobs.add(queue("a HIGH priority job, queued third", JobPriority.HIGH));
		jobs.add(queue("another LOW priority job, queued fourth", JobPriority.LOW));
		jobs.add(queue("another NORMAL priority job, queued fifth", JobPriority.NORMAL));
		jobs.add(queue("another HIGH priority job, queued sixth", JobPriority.HIGH));
		this.worker.start();
		awaitDone(jobs, Duration.ofSeconds(30));
		System.out.println("The worker ran the queued jobs in this order:");
		this.board.titles().forEach((title) -> System.out.println("  " + title));
	}

	private JobHandle queue(String text, JobPriority priority) {
		return this.gearman.submitBackground("title", text, priority, null, null);
	}

	/** A background job is done once its server no longer knows it. */
	private void awaitDone(List<JobHandle> jobs, Duration timeout) throws InterruptedException {
		Instant deadline = Instant.now().plus(timeout);
		for (JobHandle job : jobs) {
			while (this.gearman.status(job).known()) {
				if (Instant.now().isAfter(deadline)) {
					throw new IllegalStateException("Job " + job + " still queued after " + timeout);
				}
				Thread.sleep(20);
			}
		}
	}

}
