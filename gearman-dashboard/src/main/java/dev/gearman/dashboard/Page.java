package dev.gearman.dashboard;

import java.util.List;
import java.util.function.Function;

/**
 * One page of a longer list, numbered from 1.
 *
 * @param <T> the items
 * @param items the items of the page
 * @param page the page number, from 1
 * @param size the most items a page holds
 * @param total how many items the whole list has
 */
public record Page<T>(List<T> items, int page, int size, long total) {

	/** The most items a page shows. */
	public static final int MAX_SIZE = 500;

	/** How many items a page shows unless asked otherwise. */
	public static final int DEFAULT_SIZE = 50;

	/**
	 * A page size within bounds.
	 * @param size the size asked for, 0 or less for the default
	 * @return the size to use
	 */
	public static int size(int size) {
		return (size <= 0) ? DEFAULT_SIZE : Math.min(size, MAX_SIZE);
	}

	/**
	 * Cuts a page out of a whole list.
	 * @param <T> the items
	 * @param all the whole list
	 * @param page the page number, from 1 (out of range: the nearest page)
	 * @param size the page size
	 * @return the page
	 */
	public static <T> Page<T> of(List<T> all, int page, int size) {
		int pages = Math.max(1, (all.size() + size - 1) / size);
		int number = Math.max(1, Math.min(page, pages));
		int from = (number - 1) * size;
		return new Page<>(List.copyOf(all.subList(from, Math.min(all.size(), from + size))), number, size,
				all.size());
	}

	/**
	 * The same page with its items mapped.
	 * @param <R> the new items
	 * @param mapper how
	 * @return the page
	 */
	public <R> Page<R> map(Function<T, R> mapper) {
		return new Page<>(this.items.stream().map(mapper).toList(), this.page, this.size, this.total);
	}

	/**
	 * How many pages the list has.
	 * @return at least 1
	 */
	public int pages() {
		return (int) Math.max(1, (this.total + this.size - 1) / this.size);
	}

	/**
	 * The offset of the page's first item in the whole list.
	 * @return the offset, from 0
	 */
	public int offset() {
		return (this.page - 1) * this.size;
	}

	/**
	 * Whether a page comes before this one.
	 * @return {@code true} unless this is the first page
	 */
	public boolean hasPrevious() {
		return this.page > 1;
	}

	/**
	 * Whether a page comes after this one.
	 * @return {@code true} unless this is the last page
	 */
	public boolean hasNext() {
		return this.page < pages();
	}

}
