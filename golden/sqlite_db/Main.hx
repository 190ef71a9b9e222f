import sys.db.Connection;
import sys.db.ResultSet;

// sys.db.Sqlite (sqlite@ natives) on a database file created in the current
// directory and deleted at the end: typed columns, NULLs, ResultSet
// iteration and typed getters, lastInsertId, changed-row counts,
// transactions, reopening the file, and SQL errors.
class Main {
	static var FILE = "golden_sqlite_test.db";

	static function show(v:Dynamic):String {
		if (v == null)
			return "null";
		if (Std.isOfType(v, haxe.io.Bytes))
			return "bytes:" + (v : haxe.io.Bytes).toHex();
		return Std.string(v) + ":" + Type.typeof(v).getName();
	}

	static function dump(cnx:Connection, sql:String) {
		var rs = cnx.request(sql);
		if (!rs.hasNext()) {
			// (Field names are only available while the statement is open.)
			Sys.println('$sql  [${rs.nfields} fields, no rows]');
			return;
		}
		var names = rs.getFieldsNames();
		Sys.println('$sql  [${rs.nfields} fields: ${names.join(",")}]');
		for (row in rs) {
			var cells = [for (n in names) n + "=" + show(Reflect.field(row, n))];
			Sys.println("  " + cells.join(" "));
		}
	}

	static function attempt(cnx:Connection, sql:String) {
		try {
			var rs = cnx.request(sql);
			Sys.println('ok: $sql -> ${rs.length}');
		} catch (e:Dynamic) {
			Sys.println('error: $sql -> $e');
		}
	}

	static function main() {
		if (sys.FileSystem.exists(FILE))
			sys.FileSystem.deleteFile(FILE);
		var cnx = sys.db.Sqlite.open(FILE);
		Sys.println("dbName " + cnx.dbName() + ", file created " + sys.FileSystem.exists(FILE));

		cnx.request("CREATE TABLE item (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, price REAL, qty INTEGER, "
			+ "active BOOL, data BLOB, note TEXT, big INTEGER)");
		var rows:Array<Array<Dynamic>> = [
			["apple", 1.25, 10, true, haxe.io.Bytes.ofHex("00ff10"), "fresh", 1],
			["pear", 0.5, 0, false, null, null, 1099511627781.0],
			["caf\u00e9 \u20ac \u{1F600}", -3.75, -7, true, haxe.io.Bytes.ofString("blob"), "it's \"quoted\"", -2147483648],
			["nothing", null, null, null, null, null, null]
		];
		for (r in rows) {
			var sb = new StringBuf();
			sb.add("INSERT INTO item (name, price, qty, active, data, note, big) VALUES (");
			for (i in 0...r.length) {
				if (i > 0)
					sb.add(", ");
				cnx.addValue(sb, r[i]);
			}
			sb.add(")");
			var rs = cnx.request(sb.toString());
			Sys.println('insert ${r[0]}: lastInsertId ${cnx.lastInsertId()}, changed ${rs.length}');
		}
		Sys.println("quote: " + cnx.quote("O'Brien") + " escape: " + cnx.escape("a'b'c"));

		dump(cnx, "SELECT * FROM item ORDER BY id");
		dump(cnx, "SELECT name, price * qty AS total, qty > 0 AS instock, length(name) AS len FROM item WHERE price IS NOT NULL ORDER BY name");
		dump(cnx, "SELECT COUNT(*) AS n, SUM(qty) AS q, AVG(price) AS avg, MAX(name) AS last FROM item");
		dump(cnx, "SELECT * FROM item WHERE id > 100");

		// Typed getters on the current row, results(), length.
		var rs = cnx.request("SELECT name, qty, price, big FROM item ORDER BY id");
		Sys.println('getters: ${rs.getResult(0)} ${rs.getIntResult(1)} ${rs.getFloatResult(2)} ${rs.getResult(3)} nfields ${rs.nfields}');
		Sys.println('length ${rs.length}');
		var all = cnx.request("SELECT id FROM item ORDER BY id DESC").results();
		Sys.println('results(): ${[for (r in all) r.id].join(",")} (${all.length})');

		// Updates and deletes report the rows changed.
		Sys.println("update changed " + cnx.request("UPDATE item SET qty = qty + 1 WHERE qty IS NOT NULL").length);
		Sys.println("delete changed " + cnx.request("DELETE FROM item WHERE name = 'nothing'").length);
		Sys.println("update none changed " + cnx.request("UPDATE item SET qty = 0 WHERE id = 999").length);

		// Transactions.
		cnx.startTransaction();
		cnx.request("INSERT INTO item (name) VALUES ('temporary')");
		Sys.println("in transaction: lastInsertId " + cnx.lastInsertId());
		cnx.rollback();
		dump(cnx, "SELECT COUNT(*) AS n FROM item");
		cnx.startTransaction();
		cnx.request("INSERT INTO item (name, qty) VALUES ('kept', 5)");
		cnx.request("INSERT INTO item (name, qty) VALUES ('kept too', 6)");
		cnx.commit();
		dump(cnx, "SELECT id, name, qty FROM item WHERE name LIKE 'kept%' ORDER BY id");

		// An unfinished result is closed by the next request.
		var partial = cnx.request("SELECT name FROM item ORDER BY id");
		Sys.println("partial first: " + partial.next().name);
		cnx.request("CREATE TABLE other (k TEXT PRIMARY KEY, v INTEGER)");
		Sys.println("partial after another request: hasNext " + partial.hasNext());

		// Errors.
		attempt(cnx, "SELEC * FROM item");
		attempt(cnx, "SELECT * FROM missing_table");
		attempt(cnx, "SELECT nope FROM item");
		attempt(cnx, "INSERT INTO item (id, name) VALUES (1, 'duplicate id')");
		attempt(cnx, "INSERT INTO item (price) VALUES (1.0)");
		attempt(cnx, "SELECT 1; SELECT 2");
		// (Not tried here: "SELECT 1 AS a, 2 AS a". libhl throws "Same field is two
		// times in the request" but leaves the freed statement attached to its
		// result, so the reference VM crashes when the GC finalizes it.)
		attempt(cnx, "CREATE TABLE item (x)");
		dump(cnx, "SELECT COUNT(*) AS n FROM item");

		cnx.close();

		// Reopen: the data is in the file.
		var cnx2 = sys.db.Sqlite.open(FILE);
		dump(cnx2, "SELECT id, name, qty, active FROM item ORDER BY id");
		cnx2.close();
		sys.FileSystem.deleteFile(FILE);
		Sys.println("file deleted " + !sys.FileSystem.exists(FILE));
	}
}
