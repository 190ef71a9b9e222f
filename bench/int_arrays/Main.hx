// Array<Int> loops with bounds checks: fannkuch-redux (n = 10, permutation
// flips) and a sieve of Eratosthenes over a growing Array<Int>.
class Main {
	static function fannkuch(n:Int):Array<Int> {
		var perm = [for (i in 0...n) 0];
		var perm1 = [for (i in 0...n) i];
		var count = [for (i in 0...n) 0];
		var maxFlips = 0, checksum = 0, permCount = 0;
		var r = n;
		while (true) {
			while (r != 1) {
				count[r - 1] = r;
				r--;
			}
			for (i in 0...n)
				perm[i] = perm1[i];
			var flips = 0;
			var k = perm[0];
			while (k != 0) {
				var i = 0, j = k;
				while (i < j) {
					var t = perm[i];
					perm[i] = perm[j];
					perm[j] = t;
					i++;
					j--;
				}
				flips++;
				k = perm[0];
			}
			if (flips > maxFlips) maxFlips = flips;
			checksum += (permCount & 1) == 0 ? flips : -flips;
			while (true) {
				if (r == n) return [checksum, maxFlips];
				var p0 = perm1[0];
				for (i in 0...r)
					perm1[i] = perm1[i + 1];
				perm1[r] = p0;
				count[r]--;
				if (count[r] > 0) break;
				r++;
			}
			permCount++;
		}
	}

	static function sieve(limit:Int):Int {
		var composite = new Array<Int>();
		composite[limit] = 0;
		var primes = 0, sum = 0;
		for (i in 2...limit + 1) {
			if (composite[i] == 0) {
				primes++;
				sum = (sum + i) & 0xFFFFFFF;
				var j = i * 2;
				while (j <= limit) {
					composite[j] = 1;
					j += i;
				}
			}
		}
		return primes * 31 + sum;
	}

	static function main() {
		var r = fannkuch(10);
		Sys.println(r[0] + "\nPfannkuchen(10) = " + r[1]);
		var s = 0;
		for (k in 0...12) s = (s + sieve(2000000 + k)) & 0xFFFFFFF;
		Sys.println("sieve " + s);
	}
}
