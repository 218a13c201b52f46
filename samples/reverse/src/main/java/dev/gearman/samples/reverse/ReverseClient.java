package dev.gearman.samples.reverse;

import dev.gearman.client.GearmanJobFailedException;
import dev.gearman.client.GearmanNoWorkerException;
import dev.gearman.client.GearmanTimeoutException;
import org.springframework.stereotype.Service;

/**
 * Calls the {@code reverse} function through its typed client; whichever worker is free serves it.
 */
@Service
public class ReverseClient {

	private final Reverser reverser;

	/**
	 * Creates the client.
	 * @param reverser the typed client
	 */
	public ReverseClient(Reverser reverser) {
		this.reverser = reverser;
	}

	/**
	 * Reverses a text on a worker.
	 * @param text the text
	 * @return the text reversed, or why the worker would not
	 */
	public String reverse(String text) {
		try {
			return this.reverser.reverse(text);
		}
		catch (GearmanJobFailedException ex) {
			// the worker failed the job: FailJobException's reason
			return "not reversed: " + ex.reason();
		}
		catch (GearmanNoWorkerException | GearmanTimeoutException ex) {
			// nobody serves 'reverse' (with gearman.client.fail-if-no-worker), or not in time
			throw new IllegalStateException("reversing is unavailable right now", ex);
		}
	}

}
