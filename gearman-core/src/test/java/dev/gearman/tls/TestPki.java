package dev.gearman.tls;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;
import javax.security.auth.x500.X500Principal;

import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throwaway certificate authority for tests: it issues server and client certificates (EC P-256) and writes
 * them as PEM files into a directory the test owns, so that no private key is ever committed and every run has keys
 * of its own. Real peers (Perl, openssl) read the files; Java code takes the key and trust managers. Subjects are
 * given in RFC 2253 form, as the server reports them: {@code CN=billing,O=Example}.
 */
public final class TestPki {

	private static final AtomicLong serials = new AtomicLong(System.currentTimeMillis());

	private static final char[] PASSWORD = "test".toCharArray();

	private final Path dir;

	private final String name;

	private final KeyPair keys;

	private final X509Certificate certificate;

	private final Path certificateFile;

	private TestPki(Path dir, String name, KeyPair keys, X509Certificate certificate) {
		this.dir = dir;
		this.name = name;
		this.keys = keys;
		this.certificate = certificate;
		this.certificateFile = dir.resolve(name + "-ca.pem");
		writePem(this.certificateFile, certificate);
	}

	/**
	 * A new certificate authority.
	 * @param dir where its files go
	 * @param name a short name, used in the subject ({@code CN=<name> Test CA}) and the file names
	 * @return the authority
	 */
	public static TestPki create(Path dir, String name) {
		try {
			KeyPair keys = newKeyPair();
			X500Principal subject = new X500Principal("CN=" + name + " Test CA,O=Gearman Tests");
			Instant now = Instant.now();
			X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, nextSerial(),
					Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(2))), subject,
					keys.getPublic());
			JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
			builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
				.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
				.addExtension(Extension.subjectKeyIdentifier, false,
						extensions.createSubjectKeyIdentifier(keys.getPublic()));
			return new TestPki(dir, name, keys, sign(builder, keys.getPrivate()));
		}
		catch (GeneralSecurityException | IOException ex) {
			throw new IllegalStateException("Could not create the test CA " + name, ex);
		}
	}

	/** @return the authority's certificate as a PEM file, for peers to trust */
	public Path caFile() {
		return this.certificateFile;
	}

	/** @return the authority's certificate */
	public X509Certificate caCertificate() {
		return this.certificate;
	}

	/** @return trust managers that trust this authority only */
	public TrustManagerFactory trustManagers() {
		try {
			KeyStore store = KeyStore.getInstance("PKCS12");
			store.load(null, null);
			store.setCertificateEntry("ca", this.certificate);
			TrustManagerFactory factory = TrustManagerFactory
				.getInstance(TrustManagerFactory.getDefaultAlgorithm());
			factory.init(store);
			return factory;
		}
		catch (GeneralSecurityException | IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * A server certificate valid for the given host names and IP addresses.
	 * @param fileName base name of its files
	 * @param hosts DNS names or IP literals; the first is also the subject's CN
	 * @return the credentials
	 */
	public Credentials server(String fileName, String... hosts) {
		GeneralName[] names = new GeneralName[hosts.length];
		for (int i = 0; i < hosts.length; i++) {
			names[i] = isIpLiteral(hosts[i]) ? new GeneralName(GeneralName.iPAddress, hosts[i])
					: new GeneralName(GeneralName.dNSName, hosts[i]);
		}
		return issue(fileName, "CN=" + hosts[0] + ",O=Gearman Tests", KeyPurposeId.id_kp_serverAuth,
				new GeneralNames(names), Duration.ZERO);
	}

	/**
	 * A client certificate for a subject.
	 * @param fileName base name of its files
	 * @param subject the distinguished name, e.g. {@code CN=billing,O=Example}
	 * @return the credentials
	 */
	public Credentials client(String fileName, String subject) {
		return issue(fileName, subject, KeyPurposeId.id_kp_clientAuth, null, Duration.ZERO);
	}

	/**
	 * A client certificate that expired yesterday.
	 * @param fileName base name of its files
	 * @param subject the distinguished name
	 * @return the credentials
	 */
	public Credentials expiredClient(String fileName, String subject) {
		return issue(fileName, subject, KeyPurposeId.id_kp_clientAuth, null, Duration.ofDays(2));
	}

	private Credentials issue(String fileName, String subject, KeyPurposeId purpose, GeneralNames names,
			Duration age) {
		try {
			KeyPair pair = newKeyPair();
			Instant start = Instant.now().minus(Duration.ofHours(1)).minus(age);
			X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(this.certificate, nextSerial(),
					Date.from(start), Date.from(start.plus(Duration.ofDays(1))), new X500Principal(subject),
					pair.getPublic());
			JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
			builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
				.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
				.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose))
				.addExtension(Extension.authorityKeyIdentifier, false,
						extensions.createAuthorityKeyIdentifier(this.certificate));
			if (names != null) {
				builder.addExtension(Extension.subjectAlternativeName, false, names);
			}
			X509Certificate issued = sign(builder, this.keys.getPrivate());
			Path certificateFile = this.dir.resolve(fileName + ".pem");
			Path keyFile = this.dir.resolve(fileName + "-key.pem");
			writePem(certificateFile, issued);
			writePem(keyFile, new JcaPKCS8Generator(pair.getPrivate(), null));
			return new Credentials(issued, pair.getPrivate(), certificateFile, keyFile, this);
		}
		catch (GeneralSecurityException | IOException ex) {
			throw new IllegalStateException("Could not issue a certificate for " + subject, ex);
		}
	}

	private static KeyPair newKeyPair() throws GeneralSecurityException {
		KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
		generator.initialize(new ECGenParameterSpec("secp256r1"));
		return generator.generateKeyPair();
	}

	private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey key)
			throws GeneralSecurityException {
		try {
			return new JcaX509CertificateConverter()
				.getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key)));
		}
		catch (OperatorCreationException ex) {
			throw new GeneralSecurityException(ex);
		}
	}

	private static BigInteger nextSerial() {
		return BigInteger.valueOf(serials.incrementAndGet());
	}

	private static boolean isIpLiteral(String host) {
		return host.chars().allMatch((c) -> Character.isDigit(c) || c == '.') || host.contains(":");
	}

	private static void writePem(Path file, Object object) {
		try (Writer out = Files.newBufferedWriter(file, StandardCharsets.US_ASCII);
				JcaPEMWriter pem = new JcaPEMWriter(out)) {
			pem.writeObject(object);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not write " + file, ex);
		}
	}

	@Override
	public String toString() {
		return this.name + " test CA";
	}

	/**
	 * A certificate with its private key, both also as PEM files.
	 *
	 * @param certificate the certificate
	 * @param key its private key
	 * @param certificateFile the certificate as PEM
	 * @param keyFile the key as unencrypted PKCS#8 PEM
	 * @param issuer the authority that issued it
	 */
	public record Credentials(X509Certificate certificate, PrivateKey key, Path certificateFile, Path keyFile,
			TestPki issuer) {

		/** @return key managers presenting this certificate */
		public KeyManagerFactory keyManagers() {
			try {
				KeyStore store = KeyStore.getInstance("PKCS12");
				store.load(null, null);
				store.setKeyEntry("key", this.key, PASSWORD,
						new X509Certificate[] { this.certificate, this.issuer.caCertificate() });
				KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
				factory.init(store, PASSWORD);
				return factory;
			}
			catch (GeneralSecurityException | IOException ex) {
				throw new IllegalStateException(ex);
			}
		}

		/** @return the subject in RFC 2253 form, as the server names the peer */
		public String subject() {
			return this.certificate.getSubjectX500Principal().getName();
		}

		/** Copies the certificate and key over other files, e.g. to roll a certificate a server watches. */
		public void copyTo(Path certificate, Path key) {
			try {
				Files.copy(this.certificateFile, certificate, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
				Files.copy(this.keyFile, key, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}

	}

}
