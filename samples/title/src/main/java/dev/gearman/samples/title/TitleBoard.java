package dev.gearman.samples.title;

import java.util.ArrayList;
import java.util.List;

import org.springframework.stereotype.Component;

/**
 * Where the worker posts finished titles, in the order it ran them.
 */
@Component
public class TitleBoard {

	private final List<String> titles = new ArrayList<>();

	synchronized void post(String title) {
		this.titles.add(title);
	}

	/**
	 * The titles posted so far.
	 * @return the titles, in the order the jobs ran
	 */
	public synchronized List<String> titles() {
		return List.copyOf(this.titles);
	}

}
