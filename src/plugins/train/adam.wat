;; Adam's update for one weight tensor, in float32, four weights at a time (SIMD) and then one at a
;; time for the rest. The same operations in the same order as tfjs's AdamOptimizer, each an IEEE
;; float32 operation (wasm has no fused multiply-add here), so the results are tfjs's to the last bit:
;;   m ← m·β1 + g·(1−β1)          v ← v·β2 + (g·g)·(1−β2)
;;   w ← ((m/bc1) / (√(v/bc2) + ε))·(−lr) + w
;; g, m, v and w are byte offsets of n floats in the memory it is given (WasmAdam's own, or tfjs's
;; wasm heap for a stack of seeds, stacked-adam.ts); m, v and w are updated in place.
;; Compiled to adam.wasm by `npm run wasm` (scripts/build-wasm.ts); a test checks the two agree.
(module
  (import "env" "memory" (memory 1))
  (func (export "adam")
    (param $g i32) (param $m i32) (param $v i32) (param $w i32) (param $n i32)
    (param $beta1 f32) (param $beta2 f32) (param $oneMinusBeta1 f32) (param $oneMinusBeta2 f32)
    (param $biasCorrection1 f32) (param $biasCorrection2 f32) (param $epsilon f32) (param $negativeLearningRate f32)
    (local $offset i32) (local $vectorEnd i32) (local $end i32)
    (local $gi f32) (local $mi f32) (local $vi f32)
    (local $gv v128) (local $mv v128) (local $vv v128)
    (local.set $vectorEnd (i32.shl (i32.shr_u (local.get $n) (i32.const 2)) (i32.const 4)))
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (block $vectorsDone
      (loop $vectors
        (br_if $vectorsDone (i32.ge_u (local.get $offset) (local.get $vectorEnd)))
        (local.set $gv (v128.load (i32.add (local.get $g) (local.get $offset))))
        (local.set $mv
          (f32x4.add
            (f32x4.mul (v128.load (i32.add (local.get $m) (local.get $offset))) (f32x4.splat (local.get $beta1)))
            (f32x4.mul (local.get $gv) (f32x4.splat (local.get $oneMinusBeta1)))))
        (local.set $vv
          (f32x4.add
            (f32x4.mul (v128.load (i32.add (local.get $v) (local.get $offset))) (f32x4.splat (local.get $beta2)))
            (f32x4.mul (f32x4.mul (local.get $gv) (local.get $gv)) (f32x4.splat (local.get $oneMinusBeta2)))))
        (v128.store (i32.add (local.get $m) (local.get $offset)) (local.get $mv))
        (v128.store (i32.add (local.get $v) (local.get $offset)) (local.get $vv))
        (v128.store (i32.add (local.get $w) (local.get $offset))
          (f32x4.add
            (f32x4.mul
              (f32x4.div
                (f32x4.div (local.get $mv) (f32x4.splat (local.get $biasCorrection1)))
                (f32x4.add
                  (f32x4.sqrt (f32x4.div (local.get $vv) (f32x4.splat (local.get $biasCorrection2))))
                  (f32x4.splat (local.get $epsilon))))
              (f32x4.splat (local.get $negativeLearningRate)))
            (v128.load (i32.add (local.get $w) (local.get $offset)))))
        (local.set $offset (i32.add (local.get $offset) (i32.const 16)))
        (br $vectors)))
    (block $scalarsDone
      (loop $scalars
        (br_if $scalarsDone (i32.ge_u (local.get $offset) (local.get $end)))
        (local.set $gi (f32.load (i32.add (local.get $g) (local.get $offset))))
        (local.set $mi
          (f32.add
            (f32.mul (f32.load (i32.add (local.get $m) (local.get $offset))) (local.get $beta1))
            (f32.mul (local.get $gi) (local.get $oneMinusBeta1))))
        (local.set $vi
          (f32.add
            (f32.mul (f32.load (i32.add (local.get $v) (local.get $offset))) (local.get $beta2))
            (f32.mul (f32.mul (local.get $gi) (local.get $gi)) (local.get $oneMinusBeta2))))
        (f32.store (i32.add (local.get $m) (local.get $offset)) (local.get $mi))
        (f32.store (i32.add (local.get $v) (local.get $offset)) (local.get $vi))
        (f32.store (i32.add (local.get $w) (local.get $offset))
          (f32.add
            (f32.mul
              (f32.div
                (f32.div (local.get $mi) (local.get $biasCorrection1))
                (f32.add (f32.sqrt (f32.div (local.get $vi) (local.get $biasCorrection2))) (local.get $epsilon)))
              (local.get $negativeLearningRate))
            (f32.load (i32.add (local.get $w) (local.get $offset)))))
        (local.set $offset (i32.add (local.get $offset) (i32.const 4)))
        (br $scalars)))))
