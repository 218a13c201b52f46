package dev.gearman.dashboard;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The functions list as the server cuts it: filtered by a part of the name whatever its case, sorted by any column
 * (ties by name), one page at a time, every request parameter read leniently and bounded.
 */
class FunctionQueryTests {

	private final List<FunctionRow> rows = List.of(row("billing.charge", 5, 1.5, 300),
			row("Billing.refund", 0, null, 0), row("mail", 5, 12.0, 100), row("resize", 40, 3.0, 200));

	@Test
	void filterShouldMatchAPartOfTheNameWhateverItsCase() {
		assertThat(FunctionQuery.of("BILLING", null, null, 1, 0).apply(this.rows).items()).extracting(FunctionRow::name)
			.containsExactly("Billing.refund", "billing.charge");
		assertThat(FunctionQuery.of("  ", null, null, 1, 0).apply(this.rows).total()).isEqualTo(4);
		assertThat(FunctionQuery.of("x".repeat(10_000), null, null, 1, 0).filter())
			.hasSize(FunctionQuery.MAX_FILTER_LENGTH);
	}

	@Test
	void numbersShouldSortLargestFirstUnlessAskedAndTiesByName() {
		assertThat(FunctionQuery.of(null, "queued", null, 1, 0).apply(this.rows).items()).extracting(FunctionRow::name)
			.containsExactly("resize", "billing.charge", "mail", "Billing.refund");
		assertThat(FunctionQuery.of(null, "rate", "asc", 1, 0).apply(this.rows).items()).extracting(FunctionRow::name)
			.containsExactly("Billing.refund", "billing.charge", "resize", "mail");
		assertThat(FunctionQuery.of(null, "p99", "desc", 1, 0).apply(this.rows).items()).extracting(FunctionRow::name)
			.containsExactly("billing.charge", "resize", "mail", "Billing.refund");
		assertThat(FunctionQuery.of(null, "nonsense", null, 1, 0).sort()).isEqualTo(FunctionQuery.Sort.NAME);
		assertThat(FunctionQuery.of(null, null, null, 1, 0).apply(this.rows).items()).extracting(FunctionRow::name)
			.containsExactly("Billing.refund", "billing.charge", "mail", "resize");
	}

	@Test
	void headingShouldOfferTheOtherDirectionForTheCurrentColumn() {
		FunctionQuery byQueue = FunctionQuery.of(null, "queued", "desc", 1, 0);
		assertThat(byQueue.directionFor(FunctionQuery.Sort.QUEUED)).isEqualTo("asc");
		assertThat(byQueue.directionFor(FunctionQuery.Sort.NAME)).isEqualTo("asc");
		assertThat(byQueue.directionFor(FunctionQuery.Sort.DEAD)).isEqualTo("desc");
	}

	@Test
	void thousandsOfFunctionsShouldComeOnePageAtATime() {
		List<FunctionRow> many = new ArrayList<>();
		for (int i = 0; i < 5000; i++) {
			many.add(row(String.format("f%04d", i), i % 7, null, 0));
		}
		Page<FunctionRow> page = FunctionQuery.of(null, "name", "asc", 3, 50).apply(many);
		assertThat(page.items()).hasSize(50).first().extracting(FunctionRow::name).isEqualTo("f0100");
		assertThat(page.pages()).isEqualTo(100);
		assertThat(page.hasPrevious()).isTrue();
		assertThat(page.hasNext()).isTrue();
		assertThat(FunctionQuery.of(null, null, null, 1000, 50).apply(many).page()).as("beyond the end: the last")
			.isEqualTo(100);
		assertThat(FunctionQuery.of(null, null, null, -3, 1_000_000).size()).isEqualTo(Page.MAX_SIZE);
		assertThat(FunctionQuery.of("nothing", null, null, 1, 50).apply(many).items()).isEmpty();
	}

	private static FunctionRow row(String name, int queued, Double rate, long p99) {
		return new FunctionRow(name, 0, queued, 0, 0, 0, 0, 1, false, 0, 0, rate, p99 / 2, p99, 0);
	}

}
