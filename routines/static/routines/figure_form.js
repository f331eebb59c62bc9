// The studio pose form's figure sliders: each shows its number while it moves. Without
// JavaScript the numbers are those of the page as it was drawn (Preview draws it again).
document.addEventListener("input", (event) => {
  const slider = event.target;
  if (!(slider instanceof HTMLInputElement) || slider.type !== "range") return;
  const output = document.getElementById(`${slider.id}-value`);
  if (output) output.textContent = `${slider.value}°`;
});
