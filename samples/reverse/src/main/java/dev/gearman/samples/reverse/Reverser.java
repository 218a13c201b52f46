package dev.gearman.samples.reverse;

import dev.gearman.client.JobHandle;
import dev.gearman.spring.annotation.GearmanExchange;

/**
 * The typed client of the {@code reverse} function: the function's name lives here only.
 */
@GearmanExchange
public interface Reverser {

	/**
	 * Calls {@code reverse} and waits for the result.
	 * @param text the workload
	 * @return the text reversed
	 */
	String reverse(String text);

	/**
	 * Submits {@code reverse} as a background job.
	 * @param text the workload
	 * @return the job's handle
	 */
	@GearmanExchange(value = "reverse", background = true)
	JobHandle reverseInBackground(String text);

}
