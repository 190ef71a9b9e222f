import haxe.io.Bytes;
import sys.net.Host;
import sys.ssl.Certificate;
import sys.ssl.Digest;
import sys.ssl.Key;
import sys.thread.Lock;
import sys.thread.Thread;

// TLS over 127.0.0.1 with sys.ssl: a server thread echoes lines in upper
// case to a client that checks the server's certificate against a private CA
// (files written to a scratch directory), then a client that expects another
// host name is rejected. Also certificate fields, digests and signatures.
class Main {
	static inline var PORT = 28751;

	static var CA = "-----BEGIN CERTIFICATE-----\nMIIB1TCCAXugAwIBAgIUYIqey8JEJk/uE7fo4/E+SmND2UAwCgYIKoZIzj0EAwIw\nNzELMAkGA1UEBhMCU0UxEjAQBgNVBAoMCWhsYyB0ZXN0czEUMBIGA1UEAwwLaGxj\nIHRlc3QgQ0EwIBcNMjYxMTIyMDM0MjQ4WhgPMjEyNjEwMjkwMzQyNDhaMDcxCzAJ\nBgNVBAYTAlNFMRIwEAYDVQQKDAlobGMgdGVzdHMxFDASBgNVBAMMC2hsYyB0ZXN0\nIENBMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAETXqwHH0U+t4D7WtOP1QuGAtc\nFpQO4OBHQ/IR6c5nSmnC2NxvlEFm5Ii+FpdLsO1dUNfKyTdcAN59rZuj4I31daNj\nMGEwHQYDVR0OBBYEFAWkB9lhhLes2SOaSWewy2czf3yQMB8GA1UdIwQYMBaAFAWk\nB9lhhLes2SOaSWewy2czf3yQMA8GA1UdEwEB/wQFMAMBAf8wDgYDVR0PAQH/BAQD\nAgEGMAoGCCqGSM49BAMCA0gAMEUCICd03fLJ0m9lJ6HFeQ0fRa+/xtxqWlQQo5qm\n0rDzQP9JAiEAs17Mx6/w4lrrI8yGOSSamhNDdUBmM8eW9+7DCYBSB6Q=\n-----END CERTIFICATE-----\n";
	static var CERT = "-----BEGIN CERTIFICATE-----\nMIIC3DCCAoOgAwIBAgIUGYHzTbaGE/0oIb8dyVM88tB1cW8wCgYIKoZIzj0EAwIw\nNzELMAkGA1UEBhMCU0UxEjAQBgNVBAoMCWhsYyB0ZXN0czEUMBIGA1UEAwwLaGxj\nIHRlc3QgQ0EwIBcNMjYxMTIyMDM0MjQ4WhgPMjEyNjEwMjkwMzQyNDhaMEcxCzAJ\nBgNVBAYTAlNFMRIwEAYDVQQKDAlobGMgdGVzdHMxEDAOBgNVBAsMB3J1bnRpbWUx\nEjAQBgNVBAMMCWxvY2FsaG9zdDCCASIwDQYJKoZIhvcNAQEBBQADggEPADCCAQoC\nggEBAJLt9ldTbygk3bSEKaayeHF3yP8dlmudb97c7uiurkTZwl/08o3R3tnRQyv7\njfJcKkMXGHHuRLfey5o8rG1e1fdT48nLwVinSBVf+OBzvgbLLjiWb+ArPLH16gWH\nMwBmNyMJSMaO0QD6Rf95lqjep6hPD1hkiJipMe+Ghc9Ny6T1tp72ALIoEgumxbb+\n8L2Q0oGTvQogh3Aj68VLd10OwidJisH4eg9pKkWDm6r8/jd1N3k2UJniIMl0dSVp\nT8B/r5DTcJB1XdGYEukqaa+HPcUnD5FrhE13yRv4+QgOriNL5mHgqal9TYyQw24Q\nw4bS9HZ3kPQ79IOBa1D0P2cNpucCAwEAAaOBjzCBjDAaBgNVHREEEzARgglsb2Nh\nbGhvc3SHBH8AAAEwCQYDVR0TBAIwADAOBgNVHQ8BAf8EBAMCBaAwEwYDVR0lBAww\nCgYIKwYBBQUHAwEwHQYDVR0OBBYEFAwzUpOho4Un/xlChqtgjqCYC3XRMB8GA1Ud\nIwQYMBaAFAWkB9lhhLes2SOaSWewy2czf3yQMAoGCCqGSM49BAMCA0cAMEQCIB4O\nLTy2WuIBXRRhe/Ml3iZUDW6S2qv9CeKOkSToalIfAiBZX1O7bh7qn8lTvQcYnIRs\nDRITi9uS3aPT9PMgzKE8kA==\n-----END CERTIFICATE-----\n";
	static var KEY = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAku32V1NvKCTdtIQpprJ4cXfI/x2Wa51v3tzu6K6uRNnCX/Ty\njdHe2dFDK/uN8lwqQxcYce5Et97LmjysbV7V91PjycvBWKdIFV/44HO+BssuOJZv\n4Cs8sfXqBYczAGY3IwlIxo7RAPpF/3mWqN6nqE8PWGSImKkx74aFz03LpPW2nvYA\nsigSC6bFtv7wvZDSgZO9CiCHcCPrxUt3XQ7CJ0mKwfh6D2kqRYObqvz+N3U3eTZQ\nmeIgyXR1JWlPwH+vkNNwkHVd0ZgS6Sppr4c9xScPkWuETXfJG/j5CA6uI0vmYeCp\nqX1NjJDDbhDDhtL0dneQ9Dv0g4FrUPQ/Zw2m5wIDAQABAoIBAA8cm3QS2EFsPUNG\nPpRvEbU16T3X+LMbz7g/x/C1mqXpMbU118afWcjUXZDGACz3rr8UvoZlR7sTlqRH\n7kIXeXFFNw33v2yTU/Yi11GaheZj+l6Gln4bZFQ3YzjrVWMKoEwhtdL6OGPd2doz\nUrwOnnbQntbsDCKLcF/e2Z9fNH1EQmjI7l8oUCL6QL7oa9waob2DTeHjPyItddTd\n55Pm8vq3iSxbq0xDph5LjZl1VT9dM66bU7UU7WM//FZEnnCVgS6rc50y2Cryq7er\nScYGXvQuFMQBxdkOCzR4Cb3ZAeSBfZNRQNW8mRxL5MXUoCV4eBwRoYUmFJ0HplKu\nUdt9uDkCgYEAzrjwNPcij7sjIqFQA00xqKbHfeapzP7tkJ3PlEE2VdRiQUGDsDq9\nRsVsvG7dmWqQ+BXK/qyi1C4vHtGihP7OtQTRWFsyYckO4DQ3E4KTxmw2fvJSfo6m\nJE47TimUhAQOty6jlrH7qDMILJ+3MnPuLJYlC+CIVgt4O8WCyw/JL0kCgYEAtfQ2\nyISXDchhnjecjeae79ESzBxWdsjsEWyAovzpAXGNYAcPpLVcBcKHGuZn3pyaTM1m\nfBZa1eBSeYsiFiguSBM/ZsgcSeFFeXzMPTE33iy2HeHm6gboa+j7W2Hu8ScHenuJ\n8EXl/kNyyUqG/awUQH9QWgRHN0ZUcov4L1IPtK8CgYEAoaXN96zUss3kAJ1hguNn\nFHkt/85SMwGZZP9yJX0E7wK/vkVro2+bOG8CwypyUBgbulLYRGNchEyE/jVxP0w8\n+SIGTXAqqnpdDobmFnSB96QAzS3RwjLryfH+v/UVtFGz7BwlQZ51qiYVm0ddKq+q\nq+TQnUP7eEVJxHuC9iSm7jkCgYBucMwry6bwG7d81F53FwtTnwCc2Xp14SDAtq4h\nwAch9C2OotqQ6+/uIxPkdQOI8F8LzQSuvtblyKHm2leXQU5OOziZh078XPrRcbl6\nTvyNI3BrFOoXFJhQn3qqDfh9cWYtpvyj1ZlzSrdKjK0BHkiwmVZJPR2I5GxvlpvP\nBS05SwKBgCtVhZIZ6B52XCak7m0+QcFcDP0AeJlXfSeMHvUWN5Yr8rTKCwOv8Rt7\ndUwcs4ZgJvI+h86fPzCu+cZiKO1ZEQnDQcNTsoFt/HOjDHU2ewc6IakrBUR9pYPJ\ncQCnMP4r8t1WsHu6OPk65+mv8+pFM3TdRLmjWw2Dn488glb4L9Em\n-----END RSA PRIVATE KEY-----\n";
	static var PUB = "-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAku32V1NvKCTdtIQpprJ4\ncXfI/x2Wa51v3tzu6K6uRNnCX/TyjdHe2dFDK/uN8lwqQxcYce5Et97LmjysbV7V\n91PjycvBWKdIFV/44HO+BssuOJZv4Cs8sfXqBYczAGY3IwlIxo7RAPpF/3mWqN6n\nqE8PWGSImKkx74aFz03LpPW2nvYAsigSC6bFtv7wvZDSgZO9CiCHcCPrxUt3XQ7C\nJ0mKwfh6D2kqRYObqvz+N3U3eTZQmeIgyXR1JWlPwH+vkNNwkHVd0ZgS6Sppr4c9\nxScPkWuETXfJG/j5CA6uI0vmYeCpqX1NjJDDbhDDhtL0dneQ9Dv0g4FrUPQ/Zw2m\n5wIDAQAB\n-----END PUBLIC KEY-----\n";

	static function main() {
		var dir = Sys.getEnv("TMPDIR");
		if (dir == null || dir == "")
			dir = "/tmp";
		var base = dir + "/hlc_ssl_loopback_" + Std.random(1000000);
		sys.io.File.saveContent(base + "_cert.pem", CERT);
		sys.io.File.saveContent(base + "_key.pem", KEY);
		var cert = Certificate.loadFile(base + "_cert.pem");
		var key = Key.loadFile(base + "_key.pem");
		sys.FileSystem.deleteFile(base + "_cert.pem");
		sys.FileSystem.deleteFile(base + "_key.pem");
		var ca = Certificate.fromString(CA);

		Sys.println("cert CN=" + cert.commonName + " O=" + cert.subject("O") + " OU=" + cert.subject("OU") + " L=" + cert.subject("L"));
		Sys.println("issuer CN=" + cert.issuer("CN"));
		Sys.println("altNames: " + cert.altNames.length + " first=" + cert.altNames[0]);
		Sys.println("valid since 2020: " + (cert.notBefore.getFullYear() >= 2020));
		Sys.println("ca next: " + (ca.next() == null));

		var msg = Bytes.ofString("the message");
		Sys.println("sha256: " + Digest.make(msg, SHA256).toHex());
		Sys.println("md5: " + Digest.make(msg, MD5).toHex());
		var sig = Digest.sign(msg, key, SHA256);
		Sys.println("signature: " + sig.length + " bytes, " + Digest.make(sig, SHA1).toHex());
		var pub = Key.readPEM(PUB, true);
		Sys.println("verify: " + Digest.verify(msg, sig, pub, SHA256) + " " + Digest.verify(Bytes.ofString("other"), sig, pub, SHA256));

		var server = new sys.ssl.Socket();
		server.verifyCert = false;
		server.setCertificate(cert, key);
		server.bind(new Host("127.0.0.1"), PORT);
		server.listen(2);
		var done = new Lock();
		var log = new sys.thread.Deque<String>();
		Thread.create(function() {
			for (round in 0...2) {
				var c = server.accept();
				var lines = 0;
				try {
					c.handshake();
					while (true) {
						var line = c.input.readLine();
						lines++;
						c.output.writeString(line.toUpperCase() + "\n");
					}
				} catch (e:Dynamic) {
					// Round 1's handshake fails: Eof, or Blocked if the client's
					// close reset the connection (libhl reports socket errors so).
					log.add("server round " + round + ": " + lines + " lines, then " + (lines > 0 ? "closed" : "failed"));
				}
				c.close();
			}
			done.release();
		});

		var client = new sys.ssl.Socket();
		client.setCA(ca);
		client.connect(new Host("localhost"), PORT);
		var peer = client.peerCertificate();
		Sys.println("peer CN=" + peer.commonName + " issuer=" + peer.issuer("CN"));
		for (w in ["hello", "tls world", "third line"]) {
			client.output.writeString(w + "\n");
			Sys.println("echo: " + client.input.readLine());
		}
		client.close();
		Sys.println(log.pop(true));

		var bad = new sys.ssl.Socket();
		bad.setCA(ca);
		bad.setHostname("wrong.example");
		try {
			bad.connect(new Host("localhost"), PORT);
			Sys.println("connected with a wrong host name?!");
		} catch (e:haxe.io.Eof) {
			Sys.println("wrong host name rejected");
		}
		bad.close();
		Sys.println(log.pop(true));
		done.wait();
		server.close();
		Sys.println("done");
	}
}
