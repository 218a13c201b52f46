package dev.gearman.server.engine;

import org.jspecify.annotations.Nullable;

/**
 * A FIFO of jobs linked through their own {@code prev}/{@code next} fields: O(1) append, take and removal
 * from the middle, and no allocation per job.
 */
final class JobList {

	private @Nullable Job head;

	private @Nullable Job tail;

	private int size;

	void addLast(Job job) {
		if (job.list != null) {
			throw new IllegalStateException("job " + job + " is in a queue already");
		}
		job.list = this;
		job.prev = this.tail;
		job.next = null;
		if (this.tail == null) {
			this.head = job;
		}
		else {
			this.tail.next = job;
		}
		this.tail = job;
		this.size++;
	}

	@Nullable Job peekFirst() {
		return this.head;
	}

	void remove(Job job) {
		if (job.list != this) {
			throw new IllegalStateException("job " + job + " is not in this queue");
		}
		if (job.prev == null) {
			this.head = job.next;
		}
		else {
			job.prev.next = job.next;
		}
		if (job.next == null) {
			this.tail = job.prev;
		}
		else {
			job.next.prev = job.prev;
		}
		job.prev = null;
		job.next = null;
		job.list = null;
		this.size--;
	}

	boolean isEmpty() {
		return this.head == null;
	}

	int size() {
		return this.size;
	}

}
