#!/usr/bin/perl
#
# xbstream-extract.pl - copy a few named files out of a stored xbstream.
#
#   perl xbstream-extract.pl <stream file> <destination dir> <name>...
#
# Reads only the chunk headers of the stream (the format mariadb-backup and
# xtrabackup --stream=xbstream write: "XBSTCK01", flags, type P/S/E, path,
# payload length and offset, checksum, payload) and seeks over the payloads of
# every other file, so even a large backup is scanned quickly. Writes each
# named top-level file that the stream holds, with its end-of-file chunk, to
# <destination dir>/<name>; a file without its end chunk (a stream cut short)
# is not written. Prints the names written, one a line. Exits 1 when the
# stream is malformed or truncated inside a chunk, 2 on bad usage.
# Needs perl-base only.
use strict;
use warnings;

my $NAME = 'xbstream-extract.pl';
sub fail { print STDERR "$NAME: ERROR: @_\n"; exit 1; }

if (@ARGV < 3) { print STDERR "usage: $NAME <stream file> <destination dir> <name>...\n"; exit 2; }
my ($file, $dest, @names) = @ARGV;
my %wanted = map { $_ => 1 } @names;
my %content;
my %complete;

open(my $in, '<:raw', $file) or fail("cannot open $file: $!");

# Read exactly $n bytes, or return undef at a clean end of file (only allowed
# before a chunk starts) and fail inside a chunk.
sub take {
  my ($n, $eof_ok) = @_;
  my $buf = '';
  while (length($buf) < $n) {
    my $got = read($in, $buf, $n - length($buf), length($buf));
    fail("cannot read $file: $!") unless defined $got;
    if ($got == 0) {
      return undef if $eof_ok && length($buf) == 0;
      fail("$file ends inside a chunk (the stream was cut short)");
    }
  }
  return $buf;
}

sub u64 { my ($lo, $hi) = unpack('VV', $_[0]); return $hi * 4294967296 + $lo; }

while (defined(my $magic = take(8, 1))) {
  $magic eq 'XBSTCK01' or fail("$file is not an xbstream (bad chunk magic at byte " . (tell($in) - 8) . ')');
  my ($flags, $type) = unpack('CA', take(2));
  my $path = take(unpack('V', take(4)));
  if ($type eq 'E') {
    $complete{$path} = 1 if exists $content{$path};
    next;
  }
  $type eq 'P' || $type eq 'S' or fail("unknown chunk type '$type' for $path");
  my $sparse_entries = $type eq 'S' ? unpack('V', take(4)) : 0;
  my $length = u64(take(8));
  my $offset = u64(take(8));
  take(4);    # checksum: the backup's sha256 covers the whole stream
  take(8 * $sparse_entries) if $sparse_entries;
  if ($wanted{$path} && $type eq 'P') {
    my $data = $length ? take($length) : '';
    my $have = $content{$path} // '';
    substr($have, $offset, length($data)) = $data if length($have) >= $offset;
    $content{$path} = $have;
  } else {
    $content{$path} //= '' if $wanted{$path};
    seek($in, $length, 1) or fail("cannot seek in $file: $!");
  }
}
close $in;

for my $path (sort keys %complete) {
  my $out = "$dest/$path";
  open(my $fh, '>:raw', "$out.tmp") or fail("cannot write $out.tmp: $!");
  print $fh $content{$path};
  close $fh or fail("cannot write $out.tmp: $!");
  rename("$out.tmp", $out) or fail("cannot rename $out.tmp: $!");
  print "$path\n";
}
