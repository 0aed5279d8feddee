#!/usr/bin/perl
# Every error or warning line a man page quotes is one the tools can print: the page is
# rendered (mandoc -T utf8), each quoted line ("Error: ...", "Warning: ...", in quotes or on
# a display line of its own) is read as a pattern (a placeholder such as "n" in italics, or
# "...", stands for any text), and it must match a message the sources build: each string
# literal, or literals joined by `+` or fmt's {} with code between (any text there). The
# sources are the truth; the rendering is checked, so an mdoc slip ("No" read as a macro,
# a stray quote that leaves a parenthesis outside) fails too. Texts of the libraries (libmosquitto, libc, OpenSSL) are taken
# from the libraries' own strings.
# Usage: man_errors.pl <source folder> <page>...
use strict;
use warnings;
no warnings 'recursion';
use File::Find;

my $STAR = "\x01";
my $root = shift @ARGV or die "usage: man_errors.pl <source folder> <page>...\n";

# --- The messages the sources build, as patterns -------------------------------------
my @patterns;

sub decode_literal {
    my ($text) = @_;
    my %escape = (n => "\n", t => "\t", '"' => '"', "'" => "'", '\\' => '\\', 0 => "\0");
    $text =~ s/\\x([0-9a-fA-F]{2})/chr(hex($1))/ge;
    $text =~ s/\\(.)/exists $escape{$1} ? $escape{$1} : $1/ge;
    return $text;
}

# A literal as a pattern: fmt's replacement fields are any text.
sub literal_pattern {
    my ($text) = @_;
    $text =~ s/\{\{/\x02/g;
    $text =~ s/\}\}/\x03/g;
    $text =~ s/\{[^{}]*\}/$STAR/g;
    $text =~ tr/\x02\x03/{}/;
    return $text;
}

sub add_message {
    my ($pattern) = @_;
    for my $line (split /\n/, $pattern) {
        $line =~ s/\A(?:Error|Warning): //;
        $line =~ s/$STAR+/$STAR/g;
        (my $literal = $line) =~ s/$STAR//g;
        push @patterns, $line if length($literal) >= 6;
    }
}

# String literals joined into messages: code with `+` between two literals is any text;
# code without it (a comma, a `;`) ends a message.
sub scan_source {
    my ($path) = @_;
    open my $in, '<:encoding(UTF-8)', $path or die "$path: $!\n";
    local $/;
    my $text = <$in>;
    close $in;
    my $message;
    my $code = '';
    while ($text =~ m{\G(?://[^\n]*|/\*.*?\*/|'(?:\\.|[^'\\\n])+'|R"([^(\s]*)\((.*?)\)\1"|"((?:\\.|[^"\\\n])*)"|(.))}gcs) {
        if (defined $2 || defined $3) {
            my $literal = literal_pattern(defined $3 ? decode_literal($3) : $2);
            if (!defined $message) {
                $message = ($code =~ /\+\s*\z/ ? $STAR : '') . $literal;
            } elsif ($code =~ /\A\s*\z/) {
                $message .= $literal;
            } elsif ($code =~ /\+/ && $code !~ /[;{}]/) {
                $message .= $STAR . $literal;
            } else {
                add_message($message . ($code =~ /\A\s*\+/ ? $STAR : ''));
                $message = ($code =~ /\+\s*\z/ ? $STAR : '') . $literal;
            }
            $code = '';
        } else {
            $code .= $4 if defined $4;
        }
    }
    add_message($message) if defined $message;
}

find({ wanted => sub { scan_source($_) if /\.(cpp|h)\z/ && -f $_ }, no_chdir => 1 },
     "$root/common", "$root/tools");

# Texts the libraries put into our lines (strerror, libmosquitto, OpenSSL reasons).
for my $library (qw(libc.so.6 libmosquitto.so.1 libssl.so.3 libcrypto.so.3)) {
    my ($path) = grep { -e } map { "$_/$library" } qw(/lib/x86_64-linux-gnu /usr/lib/x86_64-linux-gnu
        /lib/aarch64-linux-gnu /usr/lib/aarch64-linux-gnu /lib /usr/lib), glob("/usr/lib/*-linux-gnu");
    next unless $path;
    open my $strings, '-|', 'strings', '-n', '6', $path or next;
    while (my $line = <$strings>) {
        chomp $line;
        $line =~ s/%[-+ #0-9.]*(?:l|ll|z|h)?[a-zA-Z]/$STAR/g;
        add_message($line);
    }
    close $strings;
}

# Index: a pattern is tried against a line only if they share 4 literal characters.
my $GRAM = 4;
my %index;
for my $i (0 .. $#patterns) {
    my %seen;
    for my $piece (split /$STAR/, $patterns[$i]) {
        for my $at (0 .. length($piece) - $GRAM) {
            my $gram = substr($piece, $at, $GRAM);
            push @{ $index{$gram} }, $i unless $seen{$gram}++;
        }
    }
}

# True if some text matches both patterns (a star: any text, in either).
sub overlap {
    my ($a, $b) = @_;
    my @a = split //, $a;
    my @b = split //, $b;
    my %memo;
    my $go;
    $go = sub {
        my ($i, $j) = @_;
        my $key = "$i,$j";
        return $memo{$key} if exists $memo{$key};
        my $result;
        if ($i == @a && $j == @b) {
            $result = 1;
        } elsif ($i < @a && $a[$i] eq $STAR) {
            $result = $go->($i + 1, $j) || ($j < @b && $go->($i, $j + 1));
        } elsif ($j < @b && $b[$j] eq $STAR) {
            $result = $go->($i, $j + 1) || ($i < @a && $go->($i + 1, $j));
        } else {
            $result = $i < @a && $j < @b && $a[$i] eq $b[$j] && $go->($i + 1, $j + 1);
        }
        return $memo{$key} = $result ? 1 : 0;
    };
    my $result = $go->(0, 0);
    undef $go;
    return $result;
}

sub printed_by_a_tool {
    my ($line) = @_;
    my %tried;
    for my $piece (split /$STAR/, $line) {
        for my $at (0 .. length($piece) - $GRAM) {
            for my $i (@{ $index{ substr($piece, $at, $GRAM) } // [] }) {
                next if $tried{$i}++;
                return 1 if overlap($line, $patterns[$i]);
            }
        }
    }
    return 0;
}

# --- The lines the pages quote ---------------------------------------------------------
my $status = 0;
my $checked = 0;
my $prefix = qr/(?:Error(?: in [A-Z]+ properties)?:|Warning:)/;
for my $page (@ARGV) {
    open my $render, '-|', 'mandoc', '-T', 'utf8', '-O', 'width=1000', $page or die "mandoc: $!\n";
    binmode $render, ':encoding(UTF-8)';
    my @lines;
    while (my $text = <$render>) {
        chomp $text;
        $text =~ s/_\x08(.)/$STAR/g;      # underlined: a placeholder (Ar)
        $text =~ s/(.)\x08\1/$1/g;        # bold
        $text =~ s/\.\.\./$STAR/g;        # an elided part
        $text =~ s/$STAR+/$STAR/g;
        push @lines, $1 while $text =~ /\x{201C}($prefix[^\x{201D}]*)\x{201D}/g;
        push @lines, $1 if $text =~ /^\s+($prefix.*?)\s*$/;
    }
    close $render or die "mandoc $page failed\n";
    (my $name = $page) =~ s{.*/}{};
    for my $line (@lines) {
        (my $shown = $line) =~ s/$STAR/<...>/g;
        $line =~ s/\A(?:Error|Warning):\s*//;
        next if $line eq '' || $line eq $STAR;
        $checked++;
        if (($line =~ tr/(//) != ($line =~ tr/)//)) {
            print "FAIL: $name quotes a line whose parentheses do not pair (a stray quote?): $shown\n";
            $status = 1;
            next;
        }
        next if printed_by_a_tool($line);
        binmode STDOUT, ':encoding(UTF-8)';
        print "FAIL: $name quotes a line no tool prints: $shown\n";
        $status = 1;
    }
}
print "man pages: $checked quoted error lines, each one the tools print\n" if $status == 0;
exit $status;
