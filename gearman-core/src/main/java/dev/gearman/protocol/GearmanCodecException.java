package dev.gearman.protocol;

import io.netty.handler.codec.DecoderException;

/**
 * A peer sent bytes that are not a valid Gearman packet. The stream cannot be resynchronised after this: the
 * decoder discards everything that follows and the connection should be closed.
 */
public class GearmanCodecException extends DecoderException {

	private static final long serialVersionUID = 1L;

	/**
	 * Creates an exception.
	 * @param message what was wrong, in the form "what: value (expected: constraint)"
	 */
	public GearmanCodecException(String message) {
		super(message);
	}

}
