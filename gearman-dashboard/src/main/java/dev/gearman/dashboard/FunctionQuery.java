package dev.gearman.dashboard;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

import org.jspecify.annotations.Nullable;

/**
 * What the functions list shows: the functions whose name contains a text, sorted by one column, one page of them.
 * Done on the server over the shared snapshot, so a browser gets one page of thousands of functions, never all of
 * them.
 *
 * @param filter the text names must contain, case-insensitively; empty for all
 * @param sort the column to sort by
 * @param descending whether the largest come first
 * @param page the page number, from 1
 * @param size the page size
 */
public record FunctionQuery(String filter, Sort sort, boolean descending, int page, int size) {

	/** The longest filter text taken; longer ones are cut (a function name is bounded too). */
	public static final int MAX_FILTER_LENGTH = 256;

	/**
	 * The query a request asks for, read leniently: an unknown column sorts by name, a missing page is the first.
	 * @param filter the filter text, or {@code null}
	 * @param sort the column name ({@code name}, {@code queued}, ...), or {@code null}
	 * @param direction {@code asc} or {@code desc}, or {@code null} for the column's natural direction
	 * @param page the page number, from 1
	 * @param size the page size, 0 or less for the default
	 * @return the query
	 */
	public static FunctionQuery of(@Nullable String filter, @Nullable String sort, @Nullable String direction,
			int page, int size) {
		Sort column = Sort.from(sort);
		boolean descending = (direction != null) ? direction.equalsIgnoreCase("desc") : column != Sort.NAME;
		String text = (filter != null) ? filter.strip() : "";
		if (text.length() > MAX_FILTER_LENGTH) {
			text = text.substring(0, MAX_FILTER_LENGTH);
		}
		return new FunctionQuery(text, column, descending, Math.max(1, page), Page.size(size));
	}

	/**
	 * Filters, sorts and cuts out the page.
	 * @param rows every function, sorted by name
	 * @return the page
	 */
	public Page<FunctionRow> apply(List<FunctionRow> rows) {
		List<FunctionRow> selected;
		if (this.filter.isEmpty()) {
			selected = new ArrayList<>(rows);
		}
		else {
			String needle = this.filter.toLowerCase(Locale.ROOT);
			selected = new ArrayList<>();
			for (FunctionRow row : rows) {
				if (row.name().toLowerCase(Locale.ROOT).contains(needle)) {
					selected.add(row);
				}
			}
		}
		Comparator<FunctionRow> order = this.sort.comparator();
		if (this.descending) {
			order = order.reversed();
		}
		// ties in name order, whichever way the column runs
		selected.sort(order.thenComparing(FunctionRow::name));
		return Page.of(selected, this.page, this.size);
	}

	/**
	 * The direction a column would sort in if it were chosen now: the other one for the current column.
	 * @param column the column
	 * @return {@code asc} or {@code desc}
	 */
	public String directionFor(Sort column) {
		if (column == this.sort) {
			return this.descending ? "asc" : "desc";
		}
		return (column == Sort.NAME) ? "asc" : "desc";
	}

	/**
	 * The columns the list sorts by.
	 */
	public enum Sort {

		/** By name. */
		NAME("Function", null),

		/** By jobs ready at any priority. */
		QUEUED("Queued", FunctionRow::queued),

		/** By epoch jobs to come. */
		SCHEDULED("Scheduled", FunctionRow::scheduled),

		/** By jobs held by workers. */
		RUNNING("Running", FunctionRow::running),

		/** By jobs waiting for their next attempt. */
		WAITING("Retrying", FunctionRow::waiting),

		/** By workers. */
		WORKERS("Workers", FunctionRow::workers),

		/** By runs finished per second. */
		RATE("Jobs/s", (row) -> (row.jobsPerSecond() != null) ? row.jobsPerSecond() : 0),

		/** By median run time. */
		P50("Run p50", FunctionRow::runP50Micros),

		/** By 99th percentile run time. */
		P99("Run p99", FunctionRow::runP99Micros),

		/** By dead letters. */
		DEAD("Dead", FunctionRow::dead);

		private final String label;

		private final @Nullable ToDoubleFunction<FunctionRow> value;

		Sort(String label, @Nullable ToDoubleFunction<FunctionRow> value) {
			this.label = label;
			this.value = value;
		}

		/**
		 * The column's heading.
		 * @return e.g. {@code Queued}
		 */
		public String label() {
			return this.label;
		}

		Comparator<FunctionRow> comparator() {
			return (this.value != null) ? Comparator.comparingDouble(this.value)
					: Comparator.comparing(FunctionRow::name);
		}

		/**
		 * The column of a request parameter.
		 * @param name the parameter, e.g. {@code queued}
		 * @return the column, {@link #NAME} if unknown
		 */
		public static Sort from(@Nullable String name) {
			if (name != null) {
				for (Sort sort : values()) {
					if (sort.name().equalsIgnoreCase(name)) {
						return sort;
					}
				}
			}
			return NAME;
		}

		/**
		 * The request parameter of the column.
		 * @return e.g. {@code queued}
		 */
		public String parameter() {
			return name().toLowerCase(Locale.ROOT);
		}

	}

}
