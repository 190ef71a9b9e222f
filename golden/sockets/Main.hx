import sys.net.Host;
import sys.net.Socket;
import sys.net.UdpSocket;
import sys.net.Address;
import haxe.io.Bytes;

class Main {
	static inline var PORT = 28731;
	static inline var UDP_PORT = 28732;

	static function readLineWait(s:Socket):String {
		Socket.select([s], null, null, 5.0);
		return s.input.readLine();
	}

	static function main() {
		// Host resolution.
		var h = new Host("127.0.0.1");
		Sys.println("host: " + h.toString() + " ip=" + StringTools.hex(h.ip, 8));
		var lh = new Host("localhost");
		Sys.println("localhost: " + lh.toString());
		try {
			new Host("no-such-host.invalid");
			Sys.println("resolved?!");
		} catch (e:Dynamic) {
			Sys.println("unresolved: " + e);
		}
		Sys.println("local host name non-empty: " + (Host.localhost().length > 0));

		// TCP server and client in one thread.
		var server = new Socket();
		server.bind(new Host("127.0.0.1"), PORT);
		server.listen(4);
		Sys.println("server bound on port " + server.host().port + " at " + server.host().host);

		// Nothing to accept yet: a non-blocking accept gives nothing.
		server.setBlocking(false);
		var none = try server.accept() catch (e:Dynamic) null;
		Sys.println("accept before connect: " + (none == null ? "none" : "socket"));

		var client = new Socket();
		client.connect(new Host("localhost"), PORT);
		client.setFastSend(true);
		Sys.println("client peer port: " + client.peer().port + " host " + client.peer().host);

		var r = Socket.select([server], null, null, 5.0);
		Sys.println("server readable: " + r.read.length);
		var conn = server.accept();
		server.setBlocking(true);
		Sys.println("accepted: " + (conn != null) + " local port " + conn.host().port + " same peer "
			+ (conn.peer().port == client.host().port));

		// A few messages each way.
		for (i in 0...3) {
			client.output.writeString("ping " + i + "\n");
			client.output.flush();
			var msg = readLineWait(conn);
			Sys.println("server got: " + msg);
			conn.output.writeString("pong " + i + " (" + msg.length + ")\n");
			Sys.println("client got: " + readLineWait(client));
		}

		// Binary data and single bytes.
		var b = Bytes.alloc(1000);
		for (i in 0...b.length)
			b.set(i, (i * 31) & 0xFF);
		client.output.write(b);
		client.output.writeByte(7);
		var got = Bytes.alloc(1001);
		var pos = 0;
		while (pos < got.length) {
			Socket.select([conn], null, null, 5.0);
			pos += conn.input.readBytes(got, pos, got.length - pos);
		}
		var same = true;
		for (i in 0...b.length)
			if (got.get(i) != b.get(i))
				same = false;
		Sys.println("binary: " + pos + " same=" + same + " last=" + got.get(1000));

		// Non-blocking read with nothing available.
		conn.setBlocking(false);
		try {
			conn.input.readByte();
			Sys.println("read something?!");
		} catch (e:haxe.io.Error) {
			Sys.println("non-blocking read: " + e);
		}
		var w = Socket.select(null, [conn, client], null, 0);
		Sys.println("writable: " + w.write.length);
		var rd = Socket.select([conn, client], null, null, 0.01);
		Sys.println("readable now: " + rd.read.length);
		conn.setBlocking(true);

		// Timeout on a blocking read.
		client.setTimeout(0.05);
		try {
			client.input.readByte();
			Sys.println("read something?!");
		} catch (e:Dynamic) {
			Sys.println("timeout read: " + e);
		}

		// Half close: the other side sees the end of the stream.
		client.output.writeString("last words");
		client.shutdown(false, true);
		conn.setTimeout(5);
		Sys.println("server read all: " + conn.read());
		conn.write("bye");
		conn.close();
		Sys.println("client read all: " + client.read());
		client.close();
		server.close();

		// Connection refused on a closed port.
		var c2 = new Socket();
		try {
			c2.connect(new Host("127.0.0.1"), PORT);
			Sys.println("connected?!");
		} catch (e:Dynamic) {
			Sys.println("refused: " + e);
		}
		c2.close();

		// UDP.
		var u1 = new UdpSocket();
		u1.bind(new Host("127.0.0.1"), UDP_PORT);
		var u2 = new UdpSocket();
		var addr = new Address();
		addr.host = new Host("127.0.0.1").ip;
		addr.port = UDP_PORT;
		var msg = Bytes.ofString("datagram!");
		Sys.println("udp sent: " + u2.sendTo(msg, 0, msg.length, addr));
		var buf = Bytes.alloc(64);
		var from = new Address();
		Socket.select([u1], null, null, 5.0);
		var n = u1.readFrom(buf, 0, buf.length, from);
		Sys.println("udp got: " + buf.getString(0, n) + " from " + from.getHost() + " same port "
			+ (from.port == u2.host().port));
		u1.setBroadcast(true);
		u1.close();
		u2.close();
		Sys.println("done");
	}
}
