export default '/sprites.svg';
