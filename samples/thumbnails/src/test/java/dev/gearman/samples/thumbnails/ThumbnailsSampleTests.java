package dev.gearman.samples.thumbnails;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import javax.imageio.ImageIO;

import dev.gearman.spring.test.EmbeddedGearmanServer;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Uploads a generated PNG over HTTP to the running sample (Tomcat, embedded job server, workers) and decodes the
 * thumbnails it returns.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@EmbeddedGearmanServer
class ThumbnailsSampleTests {

	@LocalServerPort
	private int port;

	@Test
	void uploadShouldReturnOneThumbnailPerWidth() throws IOException {
		List<Thumbnail> thumbnails = upload(png(640, 480)).retrieve()
			.body(new ParameterizedTypeReference<List<Thumbnail>>() {
			});

		assertThat(thumbnails).hasSize(3);
		int[][] expected = { { 64, 48 }, { 160, 120 }, { 320, 240 } };
		for (int i = 0; i < expected.length; i++) {
			Thumbnail thumbnail = thumbnails.get(i);
			BufferedImage image = ImageIO.read(new ByteArrayInputStream(thumbnail.png()));
			assertThat(image).as("thumbnail %d decodes as PNG", i).isNotNull();
			assertThat(new int[] { image.getWidth(), image.getHeight() }).containsExactly(expected[i]);
			assertThat(new int[] { thumbnail.width(), thumbnail.height() }).containsExactly(expected[i]);
			// the picture survived the scaling: red on the left, blue on the right
			assertThat(new Color(image.getRGB(image.getWidth() / 4, image.getHeight() / 2))).isEqualTo(Color.RED);
			assertThat(new Color(image.getRGB(image.getWidth() * 3 / 4, image.getHeight() / 2))).isEqualTo(Color.BLUE);
		}
	}

	@Test
	void uploadThatIsNotAnImageShouldBeRefusedWithTheWorkersReason() {
		ProblemDetail problem = upload("hello".getBytes(StandardCharsets.UTF_8)).exchange((request, response) -> {
			assertThat(response.getStatusCode().value()).isEqualTo(422);
			return response.bodyTo(ProblemDetail.class);
		});
		assertThat(problem.getDetail()).isEqualTo("3 of 3 calls failed: not an image ImageIO can read");
	}

	private RestClient.RequestBodySpec upload(byte[] file) {
		MultiValueMap<String, Object> form = new LinkedMultiValueMap<>();
		form.add("image", new ByteArrayResource(file) {

			@Override
			public String getFilename() {
				return "upload.png";
			}

		});
		RestClient.RequestBodySpec request = RestClient.create("http://127.0.0.1:" + this.port)
			.post()
			.uri("/thumbnails")
			.contentType(MediaType.MULTIPART_FORM_DATA);
		request.body(form);
		return request;
	}

	private static byte[] png(int width, int height) throws IOException {
		BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
		Graphics2D graphics = image.createGraphics();
		graphics.setColor(Color.RED);
		graphics.fillRect(0, 0, width / 2, height);
		graphics.setColor(Color.BLUE);
		graphics.fillRect(width / 2, 0, width - width / 2, height);
		graphics.dispose();
		ByteArrayOutputStream png = new ByteArrayOutputStream();
		ImageIO.write(image, "png", png);
		return png.toByteArray();
	}

}
