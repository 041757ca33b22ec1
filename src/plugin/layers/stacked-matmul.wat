;; Matrix products for many seeds' models at once: c[s] = a[s]·b[s] for s = 0 … seeds−1, in float32.
;; Each output is summed in order of k, starting from +0, one IEEE multiply and one add per term
;; (no fused multiply-add): the order XNNPACK's GEMM kernels use inside tfjs's wasm backend, so each
;; seed's product is what tf.matMul gives it alone, to the last bit (test/unit/stacked.test.ts).
;; SIMD runs across four or eight output columns, never across k, which would reorder the sum.
;;
;; Terms that are zero can be left out without changing a bit. Such a running sum is never −0
;; (x + y is −0 only when both are −0), and s + (±0) = s for any other s; a product with a zero
;; factor and a finite other factor is ±0. So with $skipZeros, a term t whose column of a is all
;; zeros (a unit or filter that ReLU silenced for every window of the batch) is left out when b's
;; row t is finite, and a row of a that is all zeros gives a row of +0 when all of b is finite.
;; Where b holds Inf or NaN there (0·Inf is NaN), the seed's product runs whole.
;;
;; The memory is tfjs's wasm heap (imported): a, b and c are byte offsets of tensors in it.
;; a[s] is [m, k] row-major, or [k, m] (its transpose) when $aTransposed is 1; b[s] is [k, n]; c is
;; [seeds, m, n]. $aSeed and $bSeed are the byte strides between seeds (0: one matrix for all).
;; Compiled to stacked-matmul.wasm by `npm run wasm` (scripts/build-wasm.ts); a test checks they agree.
(module
  (import "env" "memory" (memory 1))

  ;; Four rows × eight columns of c, rows a0…a3 of a into rows c0…c3 of c. $terms lists $count
  ;; terms as pairs of byte offsets: the term within a row of a, and its row of b from $b.
  (func $tile4x8
    (param $a0 i32) (param $a1 i32) (param $a2 i32) (param $a3 i32) (param $terms i32) (param $count i32)
    (param $b i32) (param $c0 i32) (param $c1 i32) (param $c2 i32) (param $c3 i32)
    (local $at i32) (local $bt i32) (local $b0 v128) (local $b1 v128) (local $x v128)
    (local $s00 v128) (local $s01 v128) (local $s10 v128) (local $s11 v128)
    (local $s20 v128) (local $s21 v128) (local $s30 v128) (local $s31 v128)
    (block $done
      (loop $each
        (br_if $done (i32.eqz (local.get $count)))
        (local.set $at (i32.load (local.get $terms)))
        (local.set $bt (i32.add (local.get $b) (i32.load offset=4 (local.get $terms))))
        (local.set $b0 (v128.load (local.get $bt)))
        (local.set $b1 (v128.load offset=16 (local.get $bt)))
        (local.set $x (v128.load32_splat (i32.add (local.get $a0) (local.get $at))))
        (local.set $s00 (f32x4.add (local.get $s00) (f32x4.mul (local.get $x) (local.get $b0))))
        (local.set $s01 (f32x4.add (local.get $s01) (f32x4.mul (local.get $x) (local.get $b1))))
        (local.set $x (v128.load32_splat (i32.add (local.get $a1) (local.get $at))))
        (local.set $s10 (f32x4.add (local.get $s10) (f32x4.mul (local.get $x) (local.get $b0))))
        (local.set $s11 (f32x4.add (local.get $s11) (f32x4.mul (local.get $x) (local.get $b1))))
        (local.set $x (v128.load32_splat (i32.add (local.get $a2) (local.get $at))))
        (local.set $s20 (f32x4.add (local.get $s20) (f32x4.mul (local.get $x) (local.get $b0))))
        (local.set $s21 (f32x4.add (local.get $s21) (f32x4.mul (local.get $x) (local.get $b1))))
        (local.set $x (v128.load32_splat (i32.add (local.get $a3) (local.get $at))))
        (local.set $s30 (f32x4.add (local.get $s30) (f32x4.mul (local.get $x) (local.get $b0))))
        (local.set $s31 (f32x4.add (local.get $s31) (f32x4.mul (local.get $x) (local.get $b1))))
        (local.set $terms (i32.add (local.get $terms) (i32.const 8)))
        (local.set $count (i32.sub (local.get $count) (i32.const 1)))
        (br $each)))
    (v128.store (local.get $c0) (local.get $s00))
    (v128.store offset=16 (local.get $c0) (local.get $s01))
    (v128.store (local.get $c1) (local.get $s10))
    (v128.store offset=16 (local.get $c1) (local.get $s11))
    (v128.store (local.get $c2) (local.get $s20))
    (v128.store offset=16 (local.get $c2) (local.get $s21))
    (v128.store (local.get $c3) (local.get $s30))
    (v128.store offset=16 (local.get $c3) (local.get $s31)))

  ;; Four rows × $width (1 to 4) columns of c: the columns the 4 × 8 tiles leave. Lanes past
  ;; $width load as +0 (never past b's row) and are not stored.
  (func $tile4xw
    (param $a0 i32) (param $a1 i32) (param $a2 i32) (param $a3 i32) (param $terms i32) (param $count i32)
    (param $b i32) (param $c0 i32) (param $c1 i32) (param $c2 i32) (param $c3 i32) (param $width i32)
    (local $at i32) (local $bt i32) (local $bv v128)
    (local $s0 v128) (local $s1 v128) (local $s2 v128) (local $s3 v128)
    (block $done
      (loop $each
        (br_if $done (i32.eqz (local.get $count)))
        (local.set $at (i32.load (local.get $terms)))
        (local.set $bt (i32.add (local.get $b) (i32.load offset=4 (local.get $terms))))
        (if (i32.eq (local.get $width) (i32.const 4))
          (then (local.set $bv (v128.load (local.get $bt))))
          (else
            (if (i32.eq (local.get $width) (i32.const 1))
              (then (local.set $bv (v128.load32_zero (local.get $bt))))
              (else
                (local.set $bv (v128.load64_zero (local.get $bt)))
                (if (i32.eq (local.get $width) (i32.const 3))
                  (then (local.set $bv (v128.load32_lane offset=8 2 (local.get $bt) (local.get $bv)))))))))
        (local.set $s0 (f32x4.add (local.get $s0)
          (f32x4.mul (v128.load32_splat (i32.add (local.get $a0) (local.get $at))) (local.get $bv))))
        (local.set $s1 (f32x4.add (local.get $s1)
          (f32x4.mul (v128.load32_splat (i32.add (local.get $a1) (local.get $at))) (local.get $bv))))
        (local.set $s2 (f32x4.add (local.get $s2)
          (f32x4.mul (v128.load32_splat (i32.add (local.get $a2) (local.get $at))) (local.get $bv))))
        (local.set $s3 (f32x4.add (local.get $s3)
          (f32x4.mul (v128.load32_splat (i32.add (local.get $a3) (local.get $at))) (local.get $bv))))
        (local.set $terms (i32.add (local.get $terms) (i32.const 8)))
        (local.set $count (i32.sub (local.get $count) (i32.const 1)))
        (br $each)))
    (if (i32.eq (local.get $width) (i32.const 4))
      (then
        (v128.store (local.get $c0) (local.get $s0))
        (v128.store (local.get $c1) (local.get $s1))
        (v128.store (local.get $c2) (local.get $s2))
        (v128.store (local.get $c3) (local.get $s3))
        (return)))
    (call $storePart (local.get $c0) (local.get $s0) (local.get $width))
    (call $storePart (local.get $c1) (local.get $s1) (local.get $width))
    (call $storePart (local.get $c2) (local.get $s2) (local.get $width))
    (call $storePart (local.get $c3) (local.get $s3) (local.get $width)))

  ;; The first $width (1 to 3) lanes of v to c.
  (func $storePart (param $c i32) (param $v v128) (param $width i32)
    (if (i32.eq (local.get $width) (i32.const 1))
      (then (v128.store32_lane 0 (local.get $c) (local.get $v)) (return)))
    (v128.store64_lane 0 (local.get $c) (local.get $v))
    (if (i32.eq (local.get $width) (i32.const 3))
      (then (v128.store32_lane offset=8 2 (local.get $c) (local.get $v)))))

  ;; For the row-major [rows, cols] x: rowFlags[r] = 1 where row r holds a value other than ±0,
  ;; else 0; colFlags[t] = the OR of the values' bits without sign down column t (0: all ±0).
  (func $scanZeros (param $x i32) (param $rows i32) (param $cols i32) (param $rowFlags i32) (param $colFlags i32)
    (local $t i32) (local $q i32) (local $v v128) (local $rowVec v128) (local $rowBits i32) (local $bits i32)
    (local.set $t (i32.const 0))
    (block $cleared
      (loop $clear
        (br_if $cleared (i32.ge_u (local.get $t) (local.get $cols)))
        (i32.store (i32.add (local.get $colFlags) (i32.shl (local.get $t) (i32.const 2))) (i32.const 0))
        (local.set $t (i32.add (local.get $t) (i32.const 1)))
        (br $clear)))
    (block $rowsDone
      (loop $eachRow
        (br_if $rowsDone (i32.eqz (local.get $rows)))
        (local.set $rowVec (v128.const i32x4 0 0 0 0))
        (local.set $rowBits (i32.const 0))
        (local.set $q (local.get $colFlags))
        (local.set $t (local.get $cols))
        (block $quadsDone
          (loop $quads
            (br_if $quadsDone (i32.lt_u (local.get $t) (i32.const 4)))
            (local.set $v (v128.and (v128.load (local.get $x)) (i32x4.splat (i32.const 0x7fffffff))))
            (local.set $rowVec (v128.or (local.get $rowVec) (local.get $v)))
            (v128.store (local.get $q) (v128.or (v128.load (local.get $q)) (local.get $v)))
            (local.set $x (i32.add (local.get $x) (i32.const 16)))
            (local.set $q (i32.add (local.get $q) (i32.const 16)))
            (local.set $t (i32.sub (local.get $t) (i32.const 4)))
            (br $quads)))
        (block $singlesDone
          (loop $singles
            (br_if $singlesDone (i32.eqz (local.get $t)))
            (local.set $bits (i32.and (i32.load (local.get $x)) (i32.const 0x7fffffff)))
            (local.set $rowBits (i32.or (local.get $rowBits) (local.get $bits)))
            (i32.store (local.get $q) (i32.or (i32.load (local.get $q)) (local.get $bits)))
            (local.set $x (i32.add (local.get $x) (i32.const 4)))
            (local.set $q (i32.add (local.get $q) (i32.const 4)))
            (local.set $t (i32.sub (local.get $t) (i32.const 1)))
            (br $singles)))
        (i32.store (local.get $rowFlags)
          (i32.or (i32.ne (local.get $rowBits) (i32.const 0)) (v128.any_true (local.get $rowVec))))
        (local.set $rowFlags (i32.add (local.get $rowFlags) (i32.const 4)))
        (local.set $rows (i32.sub (local.get $rows) (i32.const 1)))
        (br $eachRow))))

  ;; 1 when all $count float32 values at x are finite.
  (func $finite (param $x i32) (param $count i32) (result i32)
    (local $max v128) (local $bits i32)
    (block $quadsDone
      (loop $quads
        (br_if $quadsDone (i32.lt_u (local.get $count) (i32.const 4)))
        (local.set $max (i32x4.max_u (local.get $max) (v128.and (v128.load (local.get $x)) (i32x4.splat (i32.const 0x7fffffff)))))
        (local.set $x (i32.add (local.get $x) (i32.const 16)))
        (local.set $count (i32.sub (local.get $count) (i32.const 4)))
        (br $quads)))
    (block $singlesDone
      (loop $singles
        (br_if $singlesDone (i32.eqz (local.get $count)))
        (local.set $bits (i32.and (i32.load (local.get $x)) (i32.const 0x7fffffff)))
        (if (i32.ge_u (local.get $bits) (i32.const 0x7f800000)) (then (return (i32.const 0))))
        (local.set $x (i32.add (local.get $x) (i32.const 4)))
        (local.set $count (i32.sub (local.get $count) (i32.const 1)))
        (br $singles)))
    ;; Inf is 0x7f800000 without its sign; NaN is above.
    (i32x4.all_true (i32x4.lt_u (local.get $max) (i32x4.splat (i32.const 0x7f800000)))))

  ;; Lists the indices i < count where flags[i] is non-zero (every index without $flags) into
  ;; $list; returns how many.
  (func $listLive (param $flags i32) (param $count i32) (param $list i32) (result i32)
    (local $i i32) (local $found i32)
    (block $done
      (loop $each
        (br_if $done (i32.ge_u (local.get $i) (local.get $count)))
        (if (i32.or (i32.eqz (local.get $flags))
              (i32.ne (i32.load (i32.add (local.get $flags) (i32.shl (local.get $i) (i32.const 2)))) (i32.const 0)))
          (then
            (i32.store (i32.add (local.get $list) (i32.shl (local.get $found) (i32.const 2))) (local.get $i))
            (local.set $found (i32.add (local.get $found) (i32.const 1)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $each)))
    (local.get $found))

  ;; The terms' byte offset pairs (t·ak within a row of a, t·ldb from b) for the $count indices in
  ;; $list, in place: the pairs take the list's room and the next $count values (listed before).
  (func $termOffsets (param $list i32) (param $count i32) (param $ak i32) (param $ldb i32)
    (local $t i32)
    (block $done
      (loop $each
        (br_if $done (i32.eqz (local.get $count)))
        (local.set $count (i32.sub (local.get $count) (i32.const 1)))
        (local.set $t (i32.load (i32.add (local.get $list) (i32.shl (local.get $count) (i32.const 2)))))
        (i32.store (i32.add (local.get $list) (i32.shl (local.get $count) (i32.const 3))) (i32.mul (local.get $t) (local.get $ak)))
        (i32.store offset=4 (i32.add (local.get $list) (i32.shl (local.get $count) (i32.const 3))) (i32.mul (local.get $t) (local.get $ldb)))
        (br $each))))

  ;; Sets row i of the [rows, n] c to +0 wherever flags[i] is 0.
  (func $zeroDeadRows (param $c i32) (param $flags i32) (param $rows i32) (param $n i32)
    (local $p i32) (local $end i32)
    (block $done
      (loop $each
        (br_if $done (i32.eqz (local.get $rows)))
        (if (i32.eqz (i32.load (local.get $flags)))
          (then
            (local.set $p (local.get $c))
            (local.set $end (i32.add (local.get $c) (i32.shl (local.get $n) (i32.const 2))))
            (block $zeroed
              (loop $zero
                (br_if $zeroed (i32.ge_u (local.get $p) (local.get $end)))
                (f32.store (local.get $p) (f32.const 0))
                (local.set $p (i32.add (local.get $p) (i32.const 4)))
                (br $zero)))))
        (local.set $c (i32.add (local.get $c) (i32.shl (local.get $n) (i32.const 2))))
        (local.set $flags (i32.add (local.get $flags) (i32.const 4)))
        (local.set $rows (i32.sub (local.get $rows) (i32.const 1)))
        (br $each))))

  ;; One seed's c = a·b when k is 1: each output +0 + a[i]·b[j], as a tile sums its one term (a
  ;; tile per four rows costs more than its arithmetic here: the first conv's [448, 1]·[1, 5]).
  (func $outer (param $a i32) (param $ai i32) (param $b i32) (param $c i32) (param $m i32) (param $n i32)
    (local $x v128) (local $j i32)
    (block $rowsDone
      (loop $eachRow
        (br_if $rowsDone (i32.eqz (local.get $m)))
        (local.set $x (v128.load32_splat (local.get $a)))
        (local.set $j (i32.const 0))
        (block $quadsDone
          (loop $quads
            (br_if $quadsDone (i32.gt_u (i32.add (local.get $j) (i32.const 4)) (local.get $n)))
            (v128.store (i32.add (local.get $c) (i32.shl (local.get $j) (i32.const 2)))
              (f32x4.add (v128.const i32x4 0 0 0 0)
                (f32x4.mul (local.get $x) (v128.load (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 2)))))))
            (local.set $j (i32.add (local.get $j) (i32.const 4)))
            (br $quads)))
        (block $singlesDone
          (loop $singles
            (br_if $singlesDone (i32.ge_u (local.get $j) (local.get $n)))
            (f32.store (i32.add (local.get $c) (i32.shl (local.get $j) (i32.const 2)))
              (f32.add (f32.const 0)
                (f32.mul (f32x4.extract_lane 0 (local.get $x)) (f32.load (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 2)))))))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $singles)))
        (local.set $a (i32.add (local.get $a) (local.get $ai)))
        (local.set $c (i32.add (local.get $c) (i32.shl (local.get $n) (i32.const 2))))
        (local.set $m (i32.sub (local.get $m) (i32.const 1)))
        (br $eachRow))))

  ;; The rows and terms of one seed's product, listed in $scratch: the rows of a (m + 3 indices, the
  ;; last block of four padded with its last row, whose values are then stored twice, the same) and
  ;; the terms (pairs of byte offsets: the term within a row of a, its row of b). With $skipZeros,
  ;; rows and terms that are zero in a are left out where b allows it (above); a's flags by row (0
  ;; for a row of zeros) then say which rows of c are +0. Returns how many rows and terms it listed.
  (func $listRowsAndTerms
    (param $a i32) (param $b i32) (param $m i32) (param $k i32) (param $n i32) (param $aTransposed i32)
    (param $rows i32) (param $terms i32) (param $aRowFlags i32) (param $aColFlags i32) (param $skipZeros i32)
    (result i32 i32)
    (local $ni i32) (local $nk i32) (local $t i32) (local $ok i32) (local $flagsI i32) (local $flagsK i32)
    (local.set $ni (local.get $m))
    (local.set $nk (local.get $k))
    (if (local.get $skipZeros)
      (then
        (if (local.get $aTransposed)
          (then
            (call $scanZeros (local.get $a) (local.get $k) (local.get $m) (local.get $aRowFlags) (local.get $aColFlags))
            (local.set $flagsI (local.get $aColFlags))
            (local.set $flagsK (local.get $aRowFlags)))
          (else
            (call $scanZeros (local.get $a) (local.get $m) (local.get $k) (local.get $aRowFlags) (local.get $aColFlags))
            (local.set $flagsI (local.get $aRowFlags))
            (local.set $flagsK (local.get $aColFlags))))
        (local.set $ni (call $listLive (local.get $flagsI) (local.get $m) (local.get $rows)))
        (local.set $nk (call $listLive (local.get $flagsK) (local.get $k) (local.get $terms)))
        ;; b must be finite where a's zeros meet it: all of b for a row of zeros, else the rows of
        ;; the terms left out.
        (local.set $ok (i32.const 1))
        (if (i32.lt_u (local.get $ni) (local.get $m))
          (then (local.set $ok (call $finite (local.get $b) (i32.mul (local.get $k) (local.get $n)))))
          (else
            (block $checked
              (loop $check
                (br_if $checked (i32.ge_u (local.get $t) (local.get $k)))
                (if (i32.eqz (i32.load (i32.add (local.get $flagsK) (i32.shl (local.get $t) (i32.const 2)))))
                  (then
                    (local.set $ok (i32.and (local.get $ok)
                      (call $finite (i32.add (local.get $b) (i32.shl (i32.mul (local.get $t) (local.get $n)) (i32.const 2))) (local.get $n))))))
                (local.set $t (i32.add (local.get $t) (i32.const 1)))
                (br $check)))))
        (if (i32.eqz (local.get $ok))
          (then
            (local.set $ni (local.get $m))
            (local.set $nk (local.get $k))))))
    (if (i32.eq (local.get $ni) (local.get $m))
      (then (drop (call $listLive (i32.const 0) (local.get $m) (local.get $rows)))))
    (if (i32.eq (local.get $nk) (local.get $k))
      (then (drop (call $listLive (i32.const 0) (local.get $k) (local.get $terms)))))
    (call $termOffsets (local.get $terms) (local.get $nk)
      (if (result i32) (local.get $aTransposed) (then (i32.shl (local.get $m) (i32.const 2))) (else (i32.const 4)))
      (i32.shl (local.get $n) (i32.const 2)))
    (if (local.get $ni)
      (then
        (local.set $t (i32.load (i32.add (local.get $rows) (i32.shl (i32.sub (local.get $ni) (i32.const 1)) (i32.const 2)))))
        (i32.store (i32.add (local.get $rows) (i32.shl (local.get $ni) (i32.const 2))) (local.get $t))
        (i32.store offset=4 (i32.add (local.get $rows) (i32.shl (local.get $ni) (i32.const 2))) (local.get $t))
        (i32.store offset=8 (i32.add (local.get $rows) (i32.shl (local.get $ni) (i32.const 2))) (local.get $t))))
    (local.get $ni) (local.get $nk))

  ;; One seed's c = a·b over the listed rows (four at a time) and terms: 4 × 8 tiles, then the
  ;; columns left four at a time, the last one to three together.
  (func $listedProduct
    (param $a i32) (param $ai i32) (param $b i32) (param $c i32) (param $n i32)
    (param $rows i32) (param $ni i32) (param $terms i32) (param $nk i32)
    (local $p i32) (local $j i32) (local $w i32) (local $ldc i32) ;; $j: bytes into a row of b and of c
    (local $a0 i32) (local $a1 i32) (local $a2 i32) (local $a3 i32)
    (local $c0 i32) (local $c1 i32) (local $c2 i32) (local $c3 i32)
    (local.set $ldc (i32.shl (local.get $n) (i32.const 2)))
    (block $blocksDone
      (loop $blocks
        (br_if $blocksDone (i32.ge_u (local.get $p) (local.get $ni)))
        (local.set $a0 (i32.add (local.get $a) (i32.mul (i32.load (local.get $rows)) (local.get $ai))))
        (local.set $a1 (i32.add (local.get $a) (i32.mul (i32.load offset=4 (local.get $rows)) (local.get $ai))))
        (local.set $a2 (i32.add (local.get $a) (i32.mul (i32.load offset=8 (local.get $rows)) (local.get $ai))))
        (local.set $a3 (i32.add (local.get $a) (i32.mul (i32.load offset=12 (local.get $rows)) (local.get $ai))))
        (local.set $c0 (i32.add (local.get $c) (i32.mul (i32.load (local.get $rows)) (local.get $ldc))))
        (local.set $c1 (i32.add (local.get $c) (i32.mul (i32.load offset=4 (local.get $rows)) (local.get $ldc))))
        (local.set $c2 (i32.add (local.get $c) (i32.mul (i32.load offset=8 (local.get $rows)) (local.get $ldc))))
        (local.set $c3 (i32.add (local.get $c) (i32.mul (i32.load offset=12 (local.get $rows)) (local.get $ldc))))
        (local.set $j (i32.const 0))
        (block $tilesDone
          (loop $tiles
            (br_if $tilesDone (i32.gt_u (i32.add (local.get $j) (i32.const 32)) (local.get $ldc)))
            (call $tile4x8 (local.get $a0) (local.get $a1) (local.get $a2) (local.get $a3) (local.get $terms) (local.get $nk)
              (i32.add (local.get $b) (local.get $j))
              (i32.add (local.get $c0) (local.get $j)) (i32.add (local.get $c1) (local.get $j))
              (i32.add (local.get $c2) (local.get $j)) (i32.add (local.get $c3) (local.get $j)))
            (local.set $j (i32.add (local.get $j) (i32.const 32)))
            (br $tiles)))
        (block $partsDone
          (loop $parts
            (br_if $partsDone (i32.ge_u (local.get $j) (local.get $ldc)))
            (local.set $w (i32.shr_u (i32.sub (local.get $ldc) (local.get $j)) (i32.const 2)))
            (if (i32.gt_u (local.get $w) (i32.const 4)) (then (local.set $w (i32.const 4))))
            (call $tile4xw (local.get $a0) (local.get $a1) (local.get $a2) (local.get $a3) (local.get $terms) (local.get $nk)
              (i32.add (local.get $b) (local.get $j))
              (i32.add (local.get $c0) (local.get $j)) (i32.add (local.get $c1) (local.get $j))
              (i32.add (local.get $c2) (local.get $j)) (i32.add (local.get $c3) (local.get $j))
              (local.get $w))
            (local.set $j (i32.add (local.get $j) (i32.shl (local.get $w) (i32.const 2))))
            (br $parts)))
        (local.set $rows (i32.add (local.get $rows) (i32.const 16)))
        (local.set $p (i32.add (local.get $p) (i32.const 4)))
        (br $blocks))))

  ;; c[s] = a[s]·b[s] for every seed, with $skipZeros leaving out the zero terms it may (above).
  ;; $scratch: 8m + 12k + 16 bytes of the heap to work in. Returns for how many seeds rows or terms
  ;; were left out.
  (func (export "matmul")
    (param $a i32) (param $b i32) (param $c i32) (param $seeds i32)
    (param $m i32) (param $k i32) (param $n i32)
    (param $aTransposed i32) (param $aSeed i32) (param $bSeed i32) (param $scratch i32) (param $skipZeros i32)
    (result i32)
    (local $ai i32) (local $rows i32) (local $terms i32) (local $aRowFlags i32) (local $aColFlags i32)
    (local $ni i32) (local $nk i32) (local $skipped i32)
    ;; Row i of a starts at a + i·ai.
    (local.set $ai (select (i32.const 4) (i32.shl (local.get $k) (i32.const 2)) (local.get $aTransposed)))
    ;; The scratch: the row list (m + 3), the term pairs (2k), a's stored row and column flags (m + k).
    (local.set $rows (local.get $scratch))
    (local.set $terms (i32.add (local.get $rows) (i32.shl (i32.add (local.get $m) (i32.const 3)) (i32.const 2))))
    (local.set $aRowFlags (i32.add (local.get $terms) (i32.shl (local.get $k) (i32.const 3))))
    (local.set $aColFlags
      (i32.add (local.get $aRowFlags) (i32.shl (select (local.get $k) (local.get $m) (local.get $aTransposed)) (i32.const 2))))
    (block $seedsDone
      (loop $eachSeed
        (br_if $seedsDone (i32.eqz (local.get $seeds)))
        (if (i32.eq (local.get $k) (i32.const 1))
          (then (call $outer (local.get $a) (local.get $ai) (local.get $b) (local.get $c) (local.get $m) (local.get $n)))
          (else
            (call $listRowsAndTerms (local.get $a) (local.get $b) (local.get $m) (local.get $k) (local.get $n) (local.get $aTransposed)
              (local.get $rows) (local.get $terms) (local.get $aRowFlags) (local.get $aColFlags) (local.get $skipZeros))
            (local.set $nk)
            (local.set $ni)
            (call $listedProduct (local.get $a) (local.get $ai) (local.get $b) (local.get $c) (local.get $n)
              (local.get $rows) (local.get $ni) (local.get $terms) (local.get $nk))
            (if (i32.lt_u (local.get $ni) (local.get $m))
              (then
                (call $zeroDeadRows (local.get $c)
                  (select (local.get $aColFlags) (local.get $aRowFlags) (local.get $aTransposed)) (local.get $m) (local.get $n))))
            (if (i32.or (i32.lt_u (local.get $ni) (local.get $m)) (i32.lt_u (local.get $nk) (local.get $k)))
              (then (local.set $skipped (i32.add (local.get $skipped) (i32.const 1)))))))
        (local.set $a (i32.add (local.get $a) (local.get $aSeed)))
        (local.set $b (i32.add (local.get $b) (local.get $bSeed)))
        (local.set $c (i32.add (local.get $c) (i32.shl (i32.mul (local.get $m) (local.get $n)) (i32.const 2))))
        (local.set $seeds (i32.sub (local.get $seeds) (i32.const 1)))
        (br $eachSeed)))
    (local.get $skipped))
)
