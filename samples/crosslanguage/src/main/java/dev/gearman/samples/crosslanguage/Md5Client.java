package dev.gearman.samples.crosslanguage;

import dev.gearman.spring.core.GearmanTemplate;
import org.springframework.stereotype.Service;

/**
 * Calls {@code md5}, a function that {@code src/main/php/worker.php} serves with PHP's {@code md5()}. The Java
 * side neither knows nor cares which language the worker is written in.
 */
@Service
public class Md5Client {

	private final GearmanTemplate gearman;

	public Md5Client(GearmanTemplate gearman) {
		this.gearman = gearman;
	}

	/**
	 * Hashes text on a PHP worker.
	 * @param text the text, sent as UTF-8
	 * @return the MD5 digest in hex, as PHP's {@code md5()} returns it
	 */
	public String md5(String text) {
		return this.gearman.call("md5", text);
	}

}
